package io.facestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.facestream.inference.InferenceSession;
import io.facestream.inference.InferenceSettings;
import io.facestream.inference.SessionRegistry;
import io.facestream.testing.TestData;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("model")
class DynamicImageSizeRewriterTest {
    private static DetectorModel detector() {
        return ModelManifest.load(TestData.modelsDir().resolve("models.json")).detector("retinaface-mnet025-v2");
    }

    @Test
    void theDetectorsInputAndItsNineOutputsTakeAnyHeightAndWidth() throws Exception {
        ModelRewrite result = DynamicImageSizeRewriter.rewrite(Files.readAllBytes(detector().file().verified()), "d");
        assertThat(result.changes()).hasSize(1 + 9).allMatch(change -> change.endsWith("height and width dynamic"));
    }

    @Test
    void aSessionOfTheRewrittenDetectorRunsAFrameAtItsOwnSizeAndASmallRegion() {
        DetectorModel detector = detector();
        InferenceSettings anySize = InferenceSettings.cpu().withDynamicImageSize(true);
        try (InferenceSession session = SessionRegistry.acquire(detector.file(), detector.input(), anySize)) {
            assertThat(session.inputShape("data")).containsExactly(1, 3, -1, -1);
            String scores = detector.decoder().scoresOutput(8);
            for (int[] size : new int[][] {{480, 640}, {288, 288}}) {
                float[] image = new float[3 * size[0] * size[1]];
                var outputs = session.run("data", FloatBuffer.wrap(image), new long[] {1, 3, size[0], size[1]},
                        List.of(scores));
                // Stride 8: two anchors per cell of an (h/8) x (w/8) map.
                assertThat(outputs.get(scores)).hasSize(4 * (size[0] / 8) * (size[1] / 8));
            }
        }
    }

    @Test
    void anUnreadableFileIsRefusedNamingTheModel() {
        assertThatThrownBy(() -> DynamicImageSizeRewriter.rewrite(new byte[] {1, 2, 3}, "broken"))
                .isInstanceOf(ModelException.class).hasMessageContaining("'broken'");
    }
}
