package io.facestream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.FacePipelineOptions;
import io.facestream.detect.DetectedFace;
import io.facestream.testing.TestData;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** detector.max-faces keeps the best-scoring faces of an image and reports how many it dropped. */
@Tag("model")
class FaceLimitITCase {
    @Test
    void moreFacesThanTheLimitKeepTheBestScoresAndCountTheRest() {
        byte[] photo = TestData.bytes(TestData.sample("face-api", "sample5.jpg")); // five faces
        List<Face> all = TestData.pipeline().analyze(photo, false).faces();
        assertThat(all).hasSize(5);
        AtomicInteger dropped = new AtomicInteger();
        PipelineSettings limited = PipelineSettings.from(TestData.config(Map.of(FacePipelineOptions.DETECTOR_MAX_FACES.name(), "2")));
        try (FacePipeline pipeline = FacePipeline.open(limited, new StageListener() {
            @Override
            public void facesOverLimit(int count) {
                dropped.addAndGet(count);
            }
        })) {
            List<Face> kept = pipeline.analyze(photo, true).faces();
            List<Float> bestTwo = all.stream().map(face -> face.detection().score()).sorted(Comparator.reverseOrder()).limit(2).toList();
            assertThat(kept).hasSize(2).allSatisfy(face -> assertThat(face.embedding()).hasSize(512));
            assertThat(kept).extracting(Face::detection).extracting(DetectedFace::score).containsExactlyElementsOf(bestTwo);
            assertThat(dropped).hasValue(3);
        }
    }
}
