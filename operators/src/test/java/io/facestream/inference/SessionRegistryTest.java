package io.facestream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.facestream.model.ModelException;
import io.facestream.model.ModelManifest;
import io.facestream.model.RecognizerModel;
import io.facestream.testing.TestData;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("model")
class SessionRegistryTest {
    static RecognizerModel recognizer() {
        return ModelManifest.load(TestData.modelsDir().resolve("models.json")).recognizer("faceplugin-fr");
    }

    @Test
    void usersOfTheSameModelShareOneSessionClosedWithTheLastUser() {
        RecognizerModel model = recognizer();
        // Settings no other test uses: the shared test pipeline keeps its own session open.
        InferenceSettings settings = new InferenceSettings(InferenceDevice.CPU, 3, 3);
        int before = SessionRegistry.openSessions();
        InferenceSession first = SessionRegistry.acquire(model.file(), model.input(), settings);
        InferenceSession second = SessionRegistry.acquire(model.file(), model.input(), settings);
        assertThat(SessionRegistry.openSessions()).isEqualTo(before + 1);
        first.close();
        first.close(); // closing a lease twice releases it once
        assertThat(SessionRegistry.openSessions()).isEqualTo(before + 1);
        float[] out = second.run("input", FloatBuffer.allocate(3 * 112 * 112), new long[] {1, 3, 112, 112}, List.of("output"))
                .get("output");
        assertThat(out).hasSize(512);
        second.close();
        assertThat(SessionRegistry.openSessions()).isEqualTo(before);
        assertThatThrownBy(() -> second.run("input", FloatBuffer.allocate(3 * 112 * 112), new long[] {1, 3, 112, 112},
                List.of("output"))).hasMessageContaining("closed");
    }

    @Test
    void autoFallsBackToCpuAndCudaFailsClearlyWhenNoGpuIsUsable() {
        RecognizerModel model = recognizer();
        InferenceSettings cuda = new InferenceSettings(InferenceDevice.parse("cuda:0"), 1, 1);
        InferenceSettings auto = new InferenceSettings(InferenceDevice.parse("auto"), 1, 1);
        boolean gpuUsable;
        try (InferenceSession session = SessionRegistry.acquire(model.file(), model.input(), cuda)) {
            gpuUsable = true;
            assertThat(session.device()).isEqualTo(InferenceDevice.parse("cuda:0"));
        } catch (ModelException e) {
            gpuUsable = false;
            assertThat(e).hasMessageContaining("inference.device=cuda:0 but no CUDA session could be created")
                    .hasMessageContaining("fr_feature.onnx");
        }
        try (InferenceSession session = SessionRegistry.acquire(model.file(), model.input(), auto)) {
            assertThat(session.device()).isEqualTo(gpuUsable ? InferenceDevice.parse("cuda:0") : InferenceDevice.CPU);
        }
    }
}
