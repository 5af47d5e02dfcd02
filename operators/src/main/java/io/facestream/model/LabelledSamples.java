package io.facestream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample photos whose {@code samples.json} entry names the {@code person} they show (one face each): the
 * ground truth of verification and of the small-face evaluation, kept with the samples' checksums.
 */
public final class LabelledSamples {
    private LabelledSamples() {
    }

    /** Fetched file -> person, in the manifest's order. */
    public static Map<Path, String> load(Path modelsDir) {
        Path manifest = modelsDir.resolve("samples.json");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(manifest.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
        Map<Path, String> labelled = new LinkedHashMap<>();
        for (JsonNode group : root.path("packages")) {
            Path target = modelsDir.resolve(group.path("target").asText());
            for (JsonNode file : group.path("files")) {
                if (file.hasNonNull("person")) {
                    String path = file.path("path").asText();
                    Path fetched = target.resolve(path.substring(path.lastIndexOf('/') + 1));
                    if (!Files.isRegularFile(fetched)) {
                        throw new IllegalStateException("sample " + fetched + " is missing: run `node models/fetch.mjs`");
                    }
                    labelled.put(fetched, file.get("person").asText());
                }
            }
        }
        return labelled;
    }
}
