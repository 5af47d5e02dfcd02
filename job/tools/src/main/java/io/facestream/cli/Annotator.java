package io.facestream.cli;

import io.facestream.decode.ImageDecoder;
import io.facestream.detect.DetectedFace;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.ImageAnalysis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** Draws boxes, scores and landmarks on a copy of an image, for people to look at. */
final class Annotator {
    /** BGR colours of the five landmarks: eyes blue/cyan, nose green, mouth corners red/magenta. */
    private static final Scalar[] LANDMARK_COLOURS = {
        new Scalar(255, 0, 0), new Scalar(255, 255, 0), new Scalar(0, 255, 0), new Scalar(0, 0, 255), new Scalar(255, 0, 255)
    };

    private final Path directory;
    private final Set<String> written = new HashSet<>();

    Annotator(Path directory) {
        this.directory = directory;
    }

    void write(Path source, byte[] encoded, ImageAnalysis analysis, ImageDecoder decoder) {
        Mat image = decoder.decode(encoded);
        try {
            int thickness = Math.max(1, Math.round(Math.max(image.cols(), image.rows()) / 500f));
            for (Face face : analysis.faces()) {
                DetectedFace d = face.detection();
                Imgproc.rectangle(image, new Point(d.x1(), d.y1()), new Point(d.x2(), d.y2()), new Scalar(0, 255, 0), thickness);
                Imgproc.putText(image, String.format(Locale.ROOT, "%.2f", d.score()), new Point(d.x1(), Math.max(12, d.y1() - 4)),
                        Imgproc.FONT_HERSHEY_SIMPLEX, 0.4 + 0.2 * thickness, new Scalar(0, 255, 0), thickness);
                for (int i = 0; i < DetectedFace.LANDMARKS; i++) {
                    Imgproc.circle(image, new Point(d.landmarks()[2 * i], d.landmarks()[2 * i + 1]), 2 * thickness,
                            LANDMARK_COLOURS[i], -1);
                }
            }
            Files.createDirectories(directory);
            Path target = directory.resolve(uniqueName(source));
            if (!Imgcodecs.imwrite(target.toString(), image)) {
                throw new IllegalStateException("cannot write " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            image.release();
        }
    }

    private String uniqueName(Path source) {
        String base = source.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        String name = base + ".jpg";
        for (int i = 2; !written.add(name); i++) {
            name = base + "-" + i + ".jpg";
        }
        return name;
    }
}
