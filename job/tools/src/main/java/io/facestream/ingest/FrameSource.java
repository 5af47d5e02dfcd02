package io.facestream.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Where frames come from: a video file, a network stream, a webcam, or a directory of images. */
public interface FrameSource extends AutoCloseable {

    /** The next frame, or null at the end of the source. */
    EncodedFrame next();

    /** Frames per second of the source itself (for real-time pacing); 0 when unknown. */
    double sourceFps();

    @Override
    void close();

    /** Chooses the reader for {@code source}: an image directory, a webcam device, a URL or a video file. */
    static FrameSource open(String source, FrameOptions options) {
        Path path = Path.of(source);
        if (Files.isDirectory(path)) {
            return new ImageDirectorySource(path, options);
        }
        String lower = source.toLowerCase(Locale.ROOT);
        boolean url = lower.matches("^[a-z][a-z0-9+.-]*://.*");
        if (!url && !Files.exists(path)) {
            throw new IllegalArgumentException("no such file, directory or device: " + source);
        }
        return new VideoSource(source, options);
    }
}
