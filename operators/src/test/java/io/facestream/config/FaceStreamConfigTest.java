package io.facestream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaceStreamConfigTest {
    @TempDir
    Path temp;

    @Test
    void defaultsApplyWhenNothingIsSet() {
        FaceStreamConfig config = FaceStreamConfig.of(Map.of(), FacePipelineOptions.all());
        assertThat(config.get(FacePipelineOptions.INFERENCE_DEVICE)).isEqualTo("auto");
        assertThat(config.get(FacePipelineOptions.DECODE_MAX_PIXELS)).isEqualTo(40_000_000L);
        assertThat(config.get(FacePipelineOptions.RECOGNIZER_THRESHOLD)).isNull(); // from the manifest
    }

    @Test
    void fileValuesAreOverriddenByCommandLineValues() throws Exception {
        Path file = Files.writeString(temp.resolve("facestream.conf"),
                "# comment\ndetector.score-threshold: 0.7\ninference.device = cpu\n");
        FaceStreamConfig config = FaceStreamConfig.load(file, Map.of("detector.score-threshold", "0.9"), FacePipelineOptions.all());
        assertThat(config.get(FacePipelineOptions.DETECTOR_SCORE_THRESHOLD)).isEqualTo(0.9);
        assertThat(config.get(FacePipelineOptions.INFERENCE_DEVICE)).isEqualTo("cpu");
    }

    @Test
    void anUnknownKeyIsRefusedWithASuggestion() {
        assertThatThrownBy(() -> FaceStreamConfig.of(Map.of("detector.score-treshold", "0.5"), FacePipelineOptions.all()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown configuration key 'detector.score-treshold' (did you mean 'detector.score-threshold'?)");
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> FaceStreamConfig.of(Map.of("detector.score-threshold", "1.5"), FacePipelineOptions.all()))
                .hasMessage("configuration key 'detector.score-threshold': bad value '1.5': must be between 0.0 and 1.0");
        assertThatThrownBy(() -> FaceStreamConfig.of(Map.of("decode.max-pixels", "lots"), FacePipelineOptions.all()))
                .hasMessage("configuration key 'decode.max-pixels': bad value 'lots': not a number");
        assertThatThrownBy(() -> FaceStreamConfig.of(Map.of("inference.device", "tpu"), FacePipelineOptions.all()))
                .hasMessage("configuration key 'inference.device': bad value 'tpu': "
                        + "inference device 'tpu' is not one of auto, cpu, cuda, cuda:N");
    }

    @Test
    void environmentVariablesAreExpandedAndAMissingOneIsNamed() throws Exception {
        String path = System.getenv("PATH");
        Path file = Files.writeString(temp.resolve("env.conf"), "models.dir: ${env:PATH}/x\n");
        assertThat(FaceStreamConfig.load(file, Map.of(), FacePipelineOptions.all()).get(FacePipelineOptions.MODELS_DIR))
                .isEqualTo(path + "/x");
        Path missing = Files.writeString(temp.resolve("missing.conf"), "models.dir: ${env:FACESTREAM_SURELY_UNSET}\n");
        assertThatThrownBy(() -> FaceStreamConfig.load(missing, Map.of(), FacePipelineOptions.all()))
                .hasMessage("configuration key 'models.dir': environment variable FACESTREAM_SURELY_UNSET is not set");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = temp.resolve("nope.conf");
        assertThatThrownBy(() -> FaceStreamConfig.load(missing, Map.of(), FacePipelineOptions.all()))
                .hasMessageContaining("cannot read configuration file " + missing);
    }

    @Test
    void kafkaConfigProviderReferencesPassThroughForTheClientsToResolveWhereTheyRun() throws Exception {
        ConfigKey<String> kafka = ConfigKey.prefix("kafka.properties.", "Kafka client properties.");
        Path file = Files.writeString(temp.resolve("facestream.conf"),
                "kafka.properties.sasl.jaas.config: ${dir:/etc/facestream/kafka-client:sasl.jaas.config}\n");
        FaceStreamConfig config = FaceStreamConfig.load(file, Map.of(), java.util.List.of(kafka));
        assertThat(config.withPrefix(kafka)).containsEntry("sasl.jaas.config",
                "${dir:/etc/facestream/kafka-client:sasl.jaas.config}");
    }
}
