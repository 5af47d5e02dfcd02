package io.facestream.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Writes a modified copy of the real model manifest, with absolute model paths, for tests. */
public final class ManifestEditor {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ManifestEditor() {
    }

    public static Path copyWith(Path directory, Consumer<ObjectNode> edit) {
        try {
            ObjectNode root = (ObjectNode) MAPPER.readTree(TestData.modelsDir().resolve("models.json").toFile());
            for (String kind : new String[] {"detectors", "recognizers"}) {
                root.with(kind).fields().forEachRemaining(entry -> {
                    ObjectNode model = (ObjectNode) entry.getValue();
                    model.put("file", TestData.modelsDir().resolve(model.get("file").asText()).toAbsolutePath().toString());
                });
            }
            edit.accept(root);
            Path file = directory.resolve("models.json");
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
