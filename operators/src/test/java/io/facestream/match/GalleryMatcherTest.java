package io.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.facestream.embed.Vectors;
import org.junit.jupiter.api.Test;

class GalleryMatcherTest {
    static float[] unit(float... values) {
        return Vectors.l2Normalize(values.clone());
    }

    @Test
    void returnsTheBestPersonOverAllTheirEmbeddings() {
        Gallery gallery = new Gallery();
        gallery.add("ann", "Ann", unit(1, 0, 0));
        gallery.add("ann", "Ann", unit(0, 1, 0));
        gallery.add("bob", "Bob", unit(0.6f, 0.8f, 0.1f));
        Match match = new GalleryMatcher(0.5f).match(gallery, unit(0, 1, 0.05f));
        assertThat(match.known()).isTrue();
        assertThat(match.personId()).isEqualTo("ann");
        assertThat(match.name()).isEqualTo("Ann");
        assertThat(match.score()).isCloseTo(Vectors.dot(unit(0, 1, 0), unit(0, 1, 0.05f)), within(1e-6f));
    }

    @Test
    void belowTheThresholdTheFaceIsUnknown() {
        Gallery gallery = new Gallery();
        gallery.add("ann", "Ann", unit(1, 0, 0));
        Match match = new GalleryMatcher(0.5f).match(gallery, unit(0.4f, 1, 0));
        assertThat(match.known()).isFalse();
        assertThat(match.personId()).isNull();
        assertThat(match.score()).isCloseTo(0.371f, within(1e-3f));
    }

    @Test
    void theThresholdItselfMatches() {
        Gallery gallery = new Gallery();
        gallery.add("ann", "Ann", unit(1, 0));
        float[] probe = unit(0.5f, (float) Math.sqrt(0.75));
        float score = Vectors.dot(unit(1, 0), probe);
        assertThat(new GalleryMatcher(score).match(gallery, probe).known()).isTrue();
        assertThat(new GalleryMatcher(Math.nextUp(score)).match(gallery, probe).known()).isFalse();
    }

    @Test
    void anEmptyGalleryMatchesNobodyAndRemovedPeopleStopMatching() {
        Gallery gallery = new Gallery();
        assertThat(new GalleryMatcher(0.3f).match(gallery, unit(1, 0)).known()).isFalse();
        gallery.add("ann", "Ann", unit(1, 0));
        assertThat(new GalleryMatcher(0.3f).match(gallery, unit(1, 0)).known()).isTrue();
        assertThat(gallery.remove("ann")).isTrue();
        assertThat(new GalleryMatcher(0.3f).match(gallery, unit(1, 0)).known()).isFalse();
    }
}
