package io.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.facestream.embed.Vectors;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The flat-matrix search answers exactly what the plain gallery search answers. */
class GallerySnapshotTest {
    static float[] around(float[] centre, Random random, float spread) {
        float[] v = new float[centre.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = centre[i] + (float) random.nextGaussian() * spread;
        }
        return Vectors.l2Normalize(v);
    }

    @Test
    void sameBestPersonAndScoreAsThePlainSearchOnAClusteredGallery() {
        Random random = new Random(11);
        int dimension = 509; // not a multiple of 8: the kernel's tail is exercised
        float[][] centres = new float[1500][];
        Gallery gallery = new Gallery();
        for (int p = 0; p < centres.length; p++) {
            centres[p] = around(new float[dimension], random, 1f);
            for (int k = 0; k < 3; k++) {
                gallery.add("p" + p, "Person " + p, around(centres[p], random, 0.02f));
            }
        }
        GallerySnapshot snapshot = GallerySnapshot.of(gallery);
        assertThat(snapshot.people()).isEqualTo(1500);
        assertThat(snapshot.embeddings()).isEqualTo(4500);
        GalleryMatcher matcher = new GalleryMatcher(0.5f);
        int known = 0;
        for (int q = 0; q < 300; q++) {
            float[] probe = q % 3 == 0 ? around(new float[dimension], random, 1f) : around(centres[random.nextInt(1500)], random, 0.02f);
            Match plain = matcher.match(gallery, probe);
            Match fast = snapshot.best(probe, 0.5f);
            assertThat(fast.known()).isEqualTo(plain.known());
            assertThat(fast.personId()).isEqualTo(plain.personId());
            assertThat(fast.score()).isCloseTo(plain.score(), within(1e-5f));
            known += fast.known() ? 1 : 0;
        }
        assertThat(known).isEqualTo(200); // every probe near a person matches, no random one does
    }

    @Test
    void aboveTheConfiguredSizeAnIndexAnswersLikeTheExactSearch() {
        Random random = new Random(12);
        int dimension = 128;
        float[][] centres = new float[2000][];
        Gallery gallery = new Gallery();
        for (int p = 0; p < centres.length; p++) {
            centres[p] = around(new float[dimension], random, 1f);
            for (int k = 0; k < 2; k++) {
                gallery.add("p" + p, "Person " + p, around(centres[p], random, 0.02f));
            }
        }
        GallerySnapshot exact = GallerySnapshot.of(gallery, 4001);
        GallerySnapshot indexed = GallerySnapshot.of(gallery, 4000);
        assertThat(exact.indexed()).isFalse();
        assertThat(indexed.indexed()).isTrue();
        int same = 0;
        for (int q = 0; q < 300; q++) {
            float[] probe = around(centres[random.nextInt(centres.length)], random, 0.02f);
            Match a = exact.best(probe, 0.5f);
            Match b = indexed.best(probe, 0.5f);
            same += java.util.Objects.equals(a.personId(), b.personId()) ? 1 : 0;
        }
        assertThat(same).isGreaterThanOrEqualTo(297);
    }

    @Test
    void emptyGalleriesAndWrongDimensionsAreHandled() {
        assertThat(GallerySnapshot.of(new Gallery()).best(new float[] {1, 0}, 0.3f).known()).isFalse();
        Gallery gallery = new Gallery();
        gallery.add("a", "A", Vectors.l2Normalize(new float[] {1, 1, 0}));
        assertThatThrownBy(() -> GallerySnapshot.of(gallery).best(new float[] {1, 0}, 0.3f))
                .hasMessageContaining("probe has 2 values; the gallery's embeddings have 3");
        gallery.add("b", "B", new float[] {1, 0});
        assertThatThrownBy(() -> GallerySnapshot.of(gallery)).hasMessageContaining("person 'b' has an embedding of 2 values");
    }
}
