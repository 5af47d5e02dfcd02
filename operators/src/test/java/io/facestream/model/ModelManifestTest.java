package io.facestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.inference.InferenceSettings;
import io.facestream.inference.SessionRegistry;
import io.facestream.testing.ManifestEditor;
import io.facestream.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("model")
class ModelManifestTest {
    @TempDir
    Path temp;

    static ObjectNode recognizer(ObjectNode root) {
        return (ObjectNode) root.with("recognizers").get("faceplugin-fr");
    }

    @Test
    void theShippedManifestDescribesBothDefaultModels() {
        ModelManifest manifest = ModelManifest.load(TestData.modelsDir().resolve("models.json"));
        DetectorModel detector = manifest.detector("retinaface-mnet025-v2");
        assertThat(detector.input().name()).isEqualTo("data");
        assertThat(detector.input().shape()).containsExactly(1, 3, 640, 640);
        assertThat(detector.decoder().landmarkStd()).isEqualTo(0.2f);
        assertThat(detector.decoder().scoresOutput(8)).isEqualTo("face_rpn_cls_prob_reshape_stride8");
        RecognizerModel recognizer = manifest.recognizer("faceplugin-fr");
        assertThat(recognizer.input().mean()).containsExactly(127f, 127f, 127f);
        assertThat(recognizer.input().std()).containsExactly(128f, 128f, 128f);
        assertThat(recognizer.dimension()).isEqualTo(512);
        assertThat(recognizer.file().verified()).isRegularFile();
    }

    @Test
    void aWrongSha256IsRefusedNamingTheFileAndTheExpectedSum() {
        String wrong = "0".repeat(64);
        Path manifest = ManifestEditor.copyWith(temp, root -> recognizer(root).put("sha256", wrong));
        RecognizerModel model = ModelManifest.load(manifest).recognizer("faceplugin-fr");
        assertThatThrownBy(() -> model.file().verified())
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("fr_feature.onnx")
                .hasMessageContaining("expected " + wrong)
                .hasMessageContaining("87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581");
    }

    @Test
    void aMissingFileIsRefusedNamingThePath() {
        Path missing = temp.resolve("nowhere/curricularface_ir101.onnx");
        Path manifest = ManifestEditor.copyWith(temp, root -> recognizer(root).put("file", missing.toString()));
        RecognizerModel model = ModelManifest.load(manifest).recognizer("faceplugin-fr");
        assertThatThrownBy(() -> model.file().verified())
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("missing")
                .hasMessageContaining("sha256 87aacdfe");
    }

    @Test
    void aWrongInputShapeIsRefusedNamingTheFileAndBothShapes() {
        Path manifest = ManifestEditor.copyWith(temp, root -> {
            var shape = recognizer(root).with("input").putArray("shape");
            shape.add(1).add(3).add(128).add(128);
            recognizer(root).with("alignment").putArray("size").add(128).add(128);
        });
        RecognizerModel model = ModelManifest.load(manifest).recognizer("faceplugin-fr");
        assertThatThrownBy(() -> SessionRegistry.acquire(model.file(), model.input(), InferenceSettings.cpu()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("fr_feature.onnx")
                .hasMessageContaining("[1, 3, 112, 112]")
                .hasMessageContaining("manifest expects [1, 3, 128, 128]");
        assertThat(SessionRegistry.openSessions()).isZero();
    }

    @Test
    void aDetectorSizeMultipleThatIsNotAMultipleOfItsLargestStrideIsRefused() {
        Path manifest = ManifestEditor.copyWith(temp, root -> ((ObjectNode) root.with("detectors")
                .get("retinaface-mnet025-v2")).with("input").put("sizeMultiple", 20));
        assertThatThrownBy(() -> ModelManifest.load(manifest))
                .hasMessageContaining("'retinaface-mnet025-v2'").hasMessageContaining("input.sizeMultiple");
    }

    @Test
    void aDetectorWithoutSizeMultipleRunsLetterboxedWithoutSecondLooks() {
        Path manifest = ManifestEditor.copyWith(temp, root -> ((ObjectNode) root.with("detectors")
                .get("retinaface-mnet025-v2")).with("input").remove("sizeMultiple"));
        io.facestream.pipeline.PipelineSettings settings = io.facestream.pipeline.PipelineSettings.from(
                TestData.config(java.util.Map.of("models.manifest", manifest.toString())));
        assertThat(settings.detector().sizeMultiple()).isZero();
        assertThat(settings.detection().inputSize()).isEqualTo(io.facestream.detect.DetectorSettings.InputSize.FIXED);
        assertThat(settings.detection().secondLook().on()).isFalse();
    }

    @Test
    void aSecondLookTheDetectorCannotTakeIsRefusedNamingItsKey() {
        Path manifest = ManifestEditor.copyWith(temp, root -> ((ObjectNode) root.with("detectors")
                .get("retinaface-mnet025-v2")).with("input").put("sizeMultiple", 64)); // 288 is not a multiple of 64
        assertThatThrownBy(() -> io.facestream.pipeline.PipelineSettings.from(
                TestData.config(java.util.Map.of("models.manifest", manifest.toString()))))
                .isInstanceOf(io.facestream.config.ConfigException.class)
                .hasMessageContaining("detector.second-look-below-px").hasMessageContaining("64");
        assertThat(io.facestream.pipeline.PipelineSettings.from(TestData.config(java.util.Map.of(
                "models.manifest", manifest.toString(), "detector.second-look-below-px", "0"))).detection().secondLook().on())
                .isFalse();
    }

    @Test
    void aRecognizerSwitchNamesTwoRecognizersOfTheManifestEachWithItsThreshold() {
        var switching = io.facestream.pipeline.PipelineSettings.from(TestData.config(java.util.Map.of(
                "recognizer.model", "faceplugin-fr-twin", "recognizer.previous-model", "faceplugin-fr",
                "recognizer.previous-threshold", "0.42")));
        assertThat(switching.recognizer().id()).isEqualTo("faceplugin-fr-twin");
        assertThat(switching.previous().recognizer().id()).isEqualTo("faceplugin-fr");
        assertThat(switching.previous().matchThreshold()).isEqualTo(0.42f);
        assertThat(switching.withoutPrevious().previous()).isNull();
        assertThat(io.facestream.pipeline.PipelineSettings.from(TestData.config(java.util.Map.of())).previous()).isNull();
        assertThatThrownBy(() -> io.facestream.pipeline.PipelineSettings.from(TestData.config(java.util.Map.of(
                "recognizer.previous-model", "faceplugin-fr"))))
                .hasMessageStartingWith("configuration key 'recognizer.previous-model': ")
                .hasMessageContaining("is recognizer.model itself");
        assertThatThrownBy(() -> io.facestream.pipeline.PipelineSettings.from(TestData.config(java.util.Map.of(
                "recognizer.previous-model", "arcface"))))
                .hasMessageStartingWith("configuration key 'recognizer.previous-model': ")
                .hasMessageContaining("has no recognizer 'arcface'");
    }

    @Test
    void aWrongInputNameIsRefused() {
        Path manifest = ManifestEditor.copyWith(temp, root -> recognizer(root).with("input").put("name", "image"));
        RecognizerModel model = ModelManifest.load(manifest).recognizer("faceplugin-fr");
        assertThatThrownBy(() -> SessionRegistry.acquire(model.file(), model.input(), InferenceSettings.cpu()))
                .hasMessageContaining("has no input 'image'").hasMessageContaining("[input]");
    }

    @Test
    void malformedEntriesNameTheManifestEntryAndField() {
        Path manifest = ManifestEditor.copyWith(temp, root -> recognizer(root).with("input").remove("std"));
        assertThatThrownBy(() -> ModelManifest.load(manifest))
                .hasMessageContaining(manifest.toString()).hasMessageContaining("'faceplugin-fr'")
                .hasMessageContaining("missing field 'std'");
        Path zeroStd = ManifestEditor.copyWith(temp, root -> recognizer(root).with("input").putArray("std").add(1).add(0).add(1));
        assertThatThrownBy(() -> ModelManifest.load(zeroStd)).hasMessageContaining("input.std may not be 0");
    }

    @Test
    void unknownModelIdsListTheKnownOnes() throws Exception {
        ModelManifest manifest = ModelManifest.load(TestData.modelsDir().resolve("models.json"));
        assertThatThrownBy(() -> manifest.recognizer("curricularface-ir101"))
                .hasMessageContaining("no recognizer 'curricularface-ir101'").hasMessageContaining("faceplugin-fr");
        Path notJson = Files.writeString(temp.resolve("bad.json"), "{ not json");
        assertThatThrownBy(() -> ModelManifest.load(notJson)).hasMessageContaining("not valid JSON");
    }
}
