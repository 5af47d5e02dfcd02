package io.facestream.testing;

import io.facestream.config.FacePipelineOptions;
import io.facestream.config.FaceStreamConfig;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where the fetched models and sample media live (the build fetches them before the tests run). */
public final class TestData {
    private TestData() {
    }

    public static Path modelsDir() {
        String configured = System.getProperty("facestream.models.dir");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        // Run from an IDE: walk up from the working directory to the repository root.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("models/models.json"))) {
                return dir.resolve("models");
            }
        }
        throw new IllegalStateException("cannot find models/models.json above " + Path.of("").toAbsolutePath());
    }

    public static Path sample(String group, String file) {
        Path path = modelsDir().resolve("samples").resolve(group).resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("sample " + path + " is missing: run `node models/fetch.mjs` (mvn -B verify does)");
        }
        return path;
    }

    public static byte[] bytes(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FaceStreamConfig config(Map<String, String> overrides) {
        Map<String, String> values = new java.util.HashMap<>(overrides);
        values.putIfAbsent(FacePipelineOptions.MODELS_DIR.name(), modelsDir().toString());
        values.putIfAbsent(FacePipelineOptions.INFERENCE_DEVICE.name(), "cpu");
        java.util.List<io.facestream.config.ConfigKey<?>> known = new java.util.ArrayList<>(FacePipelineOptions.all());
        known.addAll(io.facestream.config.StreamOptions.all());
        return FaceStreamConfig.of(values, known);
    }

    /**
     * The pipeline at default settings (on CPU, so tests behave the same everywhere), opened once
     * per test JVM and shared by every test that only analyses images with it; do not close it.
     */
    public static FacePipeline pipeline() {
        return SharedPipeline.PIPELINE;
    }

    /** A pipeline of its own at default settings, for a test of opening and closing; close it. */
    public static FacePipeline openPipeline() {
        return FacePipeline.open(PipelineSettings.from(config(Map.of())));
    }

    /** Opened on first use (the holder idiom), closed with the JVM. */
    private static final class SharedPipeline {
        static final FacePipeline PIPELINE = openPipeline();
    }
}
