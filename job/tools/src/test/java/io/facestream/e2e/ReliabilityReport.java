package io.facestream.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The fault tests' own figures, one Markdown row per test, appended to
 * {@code job/tools/target/reliability.md} and printed: RELIABILITY.md's table is a copy of that
 * file from a run.
 */
final class ReliabilityReport {
    static final Path FILE = Path.of("target", "reliability.md");

    private ReliabilityReport() {
    }

    static void row(String fault, String what, Accounting.Tally tally, String outcome) {
        String row = String.format("| %s | %s | %d frames | %d (%d expected) | %d | %d | %d | %s |%n", fault, what,
                tally.framesIn(), tally.out(), tally.expected(), tally.duplicated(), tally.lost(), tally.deadLetters(), outcome);
        System.out.print("reliability: " + row);
        try {
            Files.createDirectories(FILE.getParent());
            if (!Files.exists(FILE)) {
                Files.writeString(FILE, "| fault | what the test does | records in | matches out | duplicated | lost | "
                        + "dead letters | outcome |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n", StandardCharsets.UTF_8);
            }
            Files.writeString(FILE, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
