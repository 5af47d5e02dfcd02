package io.facestream.ingest;

import io.facestream.decode.DecodeLimits;
import io.facestream.decode.ImageDecoder;
import io.facestream.decode.ImageRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.opencv.core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The images of a directory, in name order, as frames (unreadable files are skipped with a warning). */
final class ImageDirectorySource implements FrameSource {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDirectorySource.class);

    private final Iterator<Path> files;
    private final FrameEncoder encoder;
    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULT);
    private final double fps;
    private int index;

    ImageDirectorySource(Path directory, FrameOptions options) {
        try (Stream<Path> listing = Files.list(directory)) {
            List<Path> images = listing.filter(Files::isRegularFile).filter(ImageDirectorySource::isImage).sorted().toList();
            if (images.isEmpty()) {
                throw new IllegalArgumentException("no images (.jpg, .jpeg, .png, .webp, .bmp) in " + directory);
            }
            this.files = images.iterator();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        this.encoder = new FrameEncoder(options);
        this.fps = options.fps();
    }

    @Override
    public EncodedFrame next() {
        while (files.hasNext()) {
            Path file = files.next();
            try {
                Mat image = decoder.decode(Files.readAllBytes(file));
                try {
                    return encoder.encode(image, fps > 0 ? index++ / fps : index++);
                } finally {
                    image.release();
                }
            } catch (IOException | ImageRefusedException e) {
                LOG.warn("skipping {}: {}", file, e.getMessage());
            }
        }
        return null;
    }

    @Override
    public double sourceFps() {
        return fps;
    }

    @Override
    public void close() {
        // nothing held open
    }

    private static boolean isImage(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png") || name.endsWith(".webp")
                || name.endsWith(".bmp");
    }
}
