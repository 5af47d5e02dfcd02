package io.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.facestream.embed.Vectors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Candidate people from sign codes and int8 templates: the right person is among them, updates happen in place. */
class PersonIndexTest {
    @Test
    void theEnrolledPersonOfAFaceIsAmongItsCandidatesOnARealisticGallery() {
        SyntheticGallery synthetic = new SyntheticGallery(512, 3);
        int people = 5_000;
        float[][] centres = new float[people][];
        float[][][] embeddings = new float[people][][];
        PersonIndex index = new PersonIndex(512);
        for (int p = 0; p < people; p++) {
            centres[p] = synthetic.centre();
            embeddings[p] = synthetic.person(centres[p], 4);
            index.put("p" + p, embeddings[p]);
        }
        int found = 0;
        int exactAgrees = 0;
        int probes = 300;
        for (int q = 0; q < probes; q++) {
            int person = synthetic.nextInt(people);
            float[] probe = synthetic.around(centres[person]);
            String[] candidates = index.candidates(probe, 20, 2);
            found += Arrays.asList(candidates).contains("p" + person) ? 1 : 0;
            // The exact answer over every embedding is among the candidates too (what re-ranking needs).
            exactAgrees += Arrays.asList(candidates).contains(exactBest(embeddings, probe)) ? 1 : 0;
        }
        assertThat(found / (double) probes).isGreaterThanOrEqualTo(0.99);
        assertThat(exactAgrees / (double) probes).isGreaterThanOrEqualTo(0.99);
    }

    static String exactBest(float[][][] embeddings, float[] probe) {
        int best = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < embeddings.length; p++) {
            for (float[] embedding : embeddings[p]) {
                float score = Vectors.dot(embedding, probe);
                if (score > bestScore) {
                    bestScore = score;
                    best = p;
                }
            }
        }
        return "p" + best;
    }

    @Test
    void replacingRemovingAndReusingSlotsChangeOnlyThatPerson() {
        SyntheticGallery synthetic = new SyntheticGallery(64, 4);
        float[] ann = synthetic.centre();
        float[] bob = synthetic.centre();
        float[] cat = synthetic.centre();
        PersonIndex index = new PersonIndex(64);
        index.put("ann", synthetic.person(ann, 3));
        index.put("bob", synthetic.person(bob, 3));
        assertThat(index.candidates(ann, 10, 1)).containsExactly("ann");
        index.put("ann", synthetic.person(cat, 2)); // ann's photos replaced
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.candidates(cat, 10, 1)).containsExactly("ann");
        assertThat(index.remove("bob")).isTrue();
        assertThat(index.remove("bob")).isFalse();
        assertThat(index.candidates(bob, 10, 5)).containsExactly("ann");
        long bytes = index.bytes();
        index.put("dan", synthetic.person(bob, 1)); // takes bob's slot back
        assertThat(index.bytes()).isEqualTo(bytes);
        assertThat(index.candidates(bob, 10, 1)).containsExactly("dan");
        index.put("ann", new float[0][]);
        assertThat(index.contains("ann")).isFalse();
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void growsPastItsFirstCapacityAndRefusesOtherDimensions() {
        SyntheticGallery synthetic = new SyntheticGallery(128, 5);
        PersonIndex index = new PersonIndex(128);
        float[] last = null;
        for (int p = 0; p < 3_000; p++) {
            last = synthetic.centre();
            index.put("p" + p, new float[][] {last});
        }
        assertThat(index.size()).isEqualTo(3_000);
        assertThat(index.candidates(last, 8, 1)).containsExactly("p2999");
        assertThat(new PersonIndex(128).candidates(last, 8, 1)).isEmpty();
        assertThatThrownBy(() -> index.put("x", new float[][] {new float[64]})).hasMessageContaining("the index holds 128");
        assertThatThrownBy(() -> index.candidates(new float[64], 8, 1)).hasMessageContaining("probe has 64 values");
    }
}
