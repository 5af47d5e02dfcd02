package io.facestream.cli;

import io.facestream.decode.ImageRefusedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads an image file for the CLI; problems become a readable reason. */
final class ImageInputs {
    private ImageInputs() {
    }

    static byte[] read(Path path, long maxBytes) {
        try {
            if (Files.isDirectory(path)) {
                throw new ImageRefusedException("is a directory");
            }
            long size = Files.size(path);
            if (size > maxBytes) {
                throw new ImageRefusedException("file of " + size + " bytes exceeds decode.max-bytes=" + maxBytes);
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ImageRefusedException("no such file");
        } catch (IOException e) {
            throw new ImageRefusedException("cannot read: " + e.getMessage());
        }
    }

    /** A reason for any failure on one input, so one bad file never stops the others. */
    static String reason(RuntimeException e) {
        if (e instanceof ImageRefusedException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
