package io.facestream.kafka;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root: set by the launcher (-Dfacestream.home), else found above the working directory. */
public final class FacestreamHome {
    private FacestreamHome() {
    }

    public static Path path() {
        String configured = System.getProperty("facestream.home");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("models/models.json")) && Files.isDirectory(dir.resolve("local-kafka"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the facestream directory above " + Path.of("").toAbsolutePath()
                + " (set -Dfacestream.home)");
    }
}
