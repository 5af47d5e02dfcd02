package io.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.facestream.embed.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Open-set top-1 over the enrolled people: the flat-matrix search answers what a plain loop answers. */
class GallerySnapshotTest {
    static float[] around(float[] centre, Random random, float spread) {
        float[] v = new float[centre.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = centre[i] + (float) random.nextGaussian() * spread;
        }
        return Vectors.l2Normalize(v);
    }

    static float[] unit(float... values) {
        return Vectors.l2Normalize(values.clone());
    }

    static Person person(String id, float[]... embeddings) {
        return new Person(id, "Name of " + id, "model", embeddings, Person.Origin.ENROLLMENTS);
    }

    /** The yardstick: every embedding of every person, one at a time. */
    static Match plainBest(List<Person> people, float[] probe, float threshold) {
        Person best = null;
        float bestScore = -1f;
        for (Person person : people) {
            for (float[] embedding : person.embeddings()) {
                float score = Vectors.dot(embedding, probe);
                if (score > bestScore) {
                    bestScore = score;
                    best = person;
                }
            }
        }
        return best == null || bestScore < threshold ? Match.unknown(bestScore) : new Match(best.id(), best.name(), bestScore, true);
    }

    @Test
    void sameBestPersonAndScoreAsThePlainSearchOnAClusteredGallery() {
        Random random = new Random(11);
        int dimension = 509; // not a multiple of 8: the kernel's tail is exercised
        float[][] centres = new float[1500][];
        List<Person> people = new ArrayList<>();
        for (int p = 0; p < centres.length; p++) {
            centres[p] = around(new float[dimension], random, 1f);
            people.add(person("p" + p, around(centres[p], random, 0.02f), around(centres[p], random, 0.02f),
                    around(centres[p], random, 0.02f)));
        }
        GallerySnapshot snapshot = GallerySnapshot.of(people);
        assertThat(snapshot.people()).isEqualTo(1500);
        assertThat(snapshot.embeddings()).isEqualTo(4500);
        int known = 0;
        for (int q = 0; q < 300; q++) {
            float[] probe = q % 3 == 0 ? around(new float[dimension], random, 1f) : around(centres[random.nextInt(1500)], random, 0.02f);
            Match plain = plainBest(people, probe, 0.5f);
            Match fast = snapshot.best(probe, 0.5f);
            assertThat(fast.known()).isEqualTo(plain.known());
            assertThat(fast.personId()).isEqualTo(plain.personId());
            assertThat(fast.score()).isCloseTo(plain.score(), within(1e-5f));
            known += fast.known() ? 1 : 0;
        }
        assertThat(known).isEqualTo(200); // every probe near a person matches, no random one does
    }

    @Test
    void aPersonScoresTheirBestEmbeddingAndTheThresholdItselfMatches() {
        List<Person> people = List.of(person("ann", unit(1, 0, 0), unit(0, 1, 0)), person("bob", unit(0.6f, 0.8f, 0.1f)));
        float[] probe = unit(0, 1, 0.05f);
        float score = Vectors.dot(unit(0, 1, 0), probe);
        Match match = GallerySnapshot.of(people).best(probe, 0.5f);
        assertThat(match.known()).isTrue();
        assertThat(match.personId()).isEqualTo("ann");
        assertThat(match.name()).isEqualTo("Name of ann");
        assertThat(match.score()).isCloseTo(score, within(1e-6f));
        assertThat(GallerySnapshot.of(people).best(probe, score).known()).isTrue();
        assertThat(GallerySnapshot.of(people).best(probe, Math.nextUp(score)).known()).isFalse();
    }

    @Test
    void belowTheThresholdTheFaceIsUnknownWithItsBestScore() {
        Match match = GallerySnapshot.of(List.of(person("ann", unit(1, 0, 0)))).best(unit(0.4f, 1, 0), 0.5f);
        assertThat(match.known()).isFalse();
        assertThat(match.personId()).isNull();
        assertThat(match.score()).isCloseTo(0.371f, within(1e-3f));
    }

    @Test
    void deletedPeopleAreNotSearched() {
        GallerySnapshot snapshot = GallerySnapshot.of(List.of(Person.deletion("ann"), person("bob", unit(0, 1))));
        assertThat(snapshot.people()).isEqualTo(1);
        assertThat(snapshot.best(unit(1, 0), 0.3f).known()).isFalse();
        assertThat(snapshot.best(unit(0, 1), 0.3f).personId()).isEqualTo("bob");
    }

    @Test
    void emptyGalleriesAndWrongDimensionsAreHandled() {
        assertThat(GallerySnapshot.of(List.of()).best(new float[] {1, 0}, 0.3f).known()).isFalse();
        Person a = person("a", Vectors.l2Normalize(new float[] {1, 1, 0}));
        assertThatThrownBy(() -> GallerySnapshot.of(List.of(a)).best(new float[] {1, 0}, 0.3f))
                .hasMessageContaining("probe has 2 values; the gallery's embeddings have 3");
        assertThatThrownBy(() -> GallerySnapshot.of(List.of(a, person("b", new float[] {1, 0}))))
                .hasMessageContaining("person 'b' has an embedding of 2 values");
    }
}
