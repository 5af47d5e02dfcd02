package io.facestream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.match.GallerySnapshot;
import io.facestream.match.Match;
import io.facestream.match.Person;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.serde.EnrollmentRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts a run's records: what the job must commit (the pipeline's own answer for every frame
 * sent, computed outside the job with the same models and people) against what the matches topic
 * holds. Keys are camera/frameSeq/personId; a count above the expected one is a duplicate, below
 * it a loss.
 */
final class Accounting {
    private Accounting() {
    }

    /** The faces a correct run writes (emit-unknown on, so every face counts), by camera/frameSeq/personId. */
    static Map<String, Integer> expected(FaceStreamConfig config, List<EnrollmentRequest> people, Map<String, List<byte[]>> cameras) {
        Map<String, Integer> expected = new TreeMap<>();
        PipelineSettings settings = PipelineSettings.from(config);
        try (FacePipeline pipeline = FacePipeline.open(settings)) {
            List<Person> enrolled = new ArrayList<>();
            for (EnrollmentRequest person : people) {
                float[] embedding = pipeline.analyze(person.images().get(0), true).largestFace().embedding();
                enrolled.add(new Person(person.personId(), person.name(), settings.recognizer().id(), new float[][] {embedding},
                        Person.Origin.ENROLLMENTS));
            }
            GallerySnapshot gallery = GallerySnapshot.of(enrolled);
            cameras.forEach((camera, frames) -> {
                for (int seq = 0; seq < frames.size(); seq++) {
                    for (Face face : pipeline.analyze(frames.get(seq), true).faces()) {
                        Match match = gallery.best(face.embedding(), settings.matchThreshold());
                        expected.merge(camera + "/" + seq + "/" + match.personId(), 1, Integer::sum);
                    }
                }
            });
        }
        return expected;
    }

    /** Committed match records by camera/frameSeq/personId. */
    static Map<String, Integer> actual(List<JsonNode> matches) {
        Map<String, Integer> actual = new TreeMap<>();
        for (JsonNode match : matches) {
            String person = match.get("personId").isNull() ? "null" : match.get("personId").asText();
            actual.merge(match.get("camera").asText() + "/" + match.get("frameSeq").asLong() + "/" + person, 1, Integer::sum);
        }
        return actual;
    }

    /** The tally of one run. */
    record Tally(long framesIn, long expected, long out, long duplicated, long lost, long deadLetters) {
        static Tally of(long framesIn, Map<String, Integer> expected, Map<String, Integer> actual, long deadLetters) {
            long duplicated = 0;
            long lost = 0;
            for (String key : union(expected, actual)) {
                int want = expected.getOrDefault(key, 0);
                int got = actual.getOrDefault(key, 0);
                duplicated += Math.max(0, got - want);
                lost += Math.max(0, want - got);
            }
            long out = actual.values().stream().mapToLong(Integer::longValue).sum();
            long wanted = expected.values().stream().mapToLong(Integer::longValue).sum();
            return new Tally(framesIn, wanted, out, duplicated, lost, deadLetters);
        }

        private static List<String> union(Map<String, Integer> a, Map<String, Integer> b) {
            TreeMap<String, Integer> all = new TreeMap<>(a);
            all.putAll(b);
            return new ArrayList<>(all.keySet());
        }
    }
}
