package io.facestream.cli;

import picocli.CommandLine.Command;

/** {@code facestream embed}: like detect, with a 512-float L2-normalised embedding on every face. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Detects faces and adds an L2-normalised embedding to each: one JSON line per image.")
class EmbedCommand extends DetectCommand {
    @Override
    boolean embed() {
        return true;
    }
}
