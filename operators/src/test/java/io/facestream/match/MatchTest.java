package io.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MatchTest {
    private static final float THRESHOLD = 0.38f;

    @Test
    void aNewPersonScoringHigherBecomesTheMatchAndTheFormerBestTheRunnerUp() {
        Match unknown = Match.unknown(0.20f);
        Match now = unknown.withCandidate("franck", "Franck", 0.71f, THRESHOLD);
        assertThat(now).isEqualTo(new Match("franck", "Franck", 0.71f, true, 0.20f));
        Match weak = unknown.withCandidate("franck", "Franck", 0.30f, THRESHOLD);
        assertThat(weak.known()).as("best, but below the threshold").isFalse();
        assertThat(weak.personId()).isEqualTo("franck");
    }

    @Test
    void aNewPersonScoringLowerIsAtMostTheRunnerUp() {
        Match cage = new Match("cage", "Cage", 0.80f, true, 0.10f);
        assertThat(cage.withCandidate("franck", "Franck", 0.30f, THRESHOLD))
                .isEqualTo(new Match("cage", "Cage", 0.80f, true, 0.30f));
        assertThat(cage.withCandidate("franck", "Franck", 0.05f, THRESHOLD)).isEqualTo(cage);
    }

    @Test
    void comparingWithThePersonTheSearchAlreadyFoundChangesNothing() {
        Match franck = new Match("franck", "Franck", 0.71f, true, 0.20f);
        assertThat(franck.withCandidate("franck", "Franck", 0.71f, THRESHOLD)).isEqualTo(franck);
        assertThat(franck.withCandidate("franck", "Franck", 0.75f, THRESHOLD))
                .as("their new photos fit better: the runner-up stays another person")
                .isEqualTo(new Match("franck", "Franck", 0.75f, true, 0.20f));
    }

    @Test
    void anEmptyGallerysMatchTakesTheCandidate() {
        Match nothing = Match.unknown(Float.NaN);
        assertThat(nothing.withCandidate("franck", "Franck", 0.71f, THRESHOLD))
                .isEqualTo(new Match("franck", "Franck", 0.71f, true, Float.NaN));
    }
}
