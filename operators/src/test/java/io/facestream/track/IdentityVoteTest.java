package io.facestream.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.facestream.track.IdentityDecision.Verdict;
import org.junit.jupiter.api.Test;

class IdentityVoteTest {
    private static final VoteSettings SETTINGS = VoteSettings.defaults(); // 3 faces, 112 px, margin 0.1, 8 persons

    static FaceObservation sharp(String personId, double similarity, long timestampMs) {
        return new FaceObservation(personId, similarity, 0.15, 120, 0.95, timestampMs);
    }

    static FaceObservation unknown(long timestampMs) {
        return new FaceObservation(null, 0.2, Double.NaN, 120, 0.95, timestampMs);
    }

    @Test
    void theWeightFollowsTheDocumentedFormula() {
        IdentityVote vote = new IdentityVote(SETTINGS);
        // Size capped at 112, full margin: weight is the detection score.
        assertThat(vote.weight(new FaceObservation("a", 0.7, 0.3, 300, 0.9, 0))).isCloseTo(0.9, within(1e-12));
        // Half size, margin at half of full: 0.5 * 0.8 * (0.25 + 0.75 * 0.5).
        assertThat(vote.weight(new FaceObservation("a", 0.7, 0.05, 56, 0.8, 0))).isCloseTo(0.25, within(1e-12));
        // No runner-up: no penalty for margin. Zero margin: a quarter.
        assertThat(vote.weight(new FaceObservation("a", 0.7, Double.NaN, 112, 1.0, 0))).isCloseTo(1.0, within(1e-12));
        assertThat(vote.weight(new FaceObservation("a", 0.7, 0.0, 112, 1.0, 0))).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void theMajorityWinsOverABlurredOutlierWithAHigherSimilarity() {
        IdentityVote vote = new IdentityVote(SETTINGS);
        vote.add(sharp("ann", 0.62, 100));
        vote.add(sharp("ann", 0.66, 200));
        // Blurred, small and barely detected, but very similar to Bob: one frame must not name the wrong person.
        FaceObservation blurred = new FaceObservation("bob", 0.91, 0.01, 30, 0.55, 300);
        vote.add(blurred);
        vote.add(sharp("ann", 0.64, 400));

        IdentityDecision decision = vote.decide();
        assertThat(decision.verdict()).isEqualTo(Verdict.DECIDED);
        assertThat(decision.personId()).isEqualTo("ann");
        assertThat(decision.faces()).isEqualTo(3);
        assertThat(decision.totalFaces()).isEqualTo(4);
        assertThat(decision.bestScore()).isEqualTo(0.66);
        assertThat(decision.bestObservation().personId()).isEqualTo("ann");
    }

    @Test
    void fewerThanMinFacesIsUndecided() {
        IdentityVote vote = new IdentityVote(SETTINGS);
        vote.add(sharp("ann", 0.8, 100));
        vote.add(sharp("ann", 0.8, 200));
        IdentityDecision decision = vote.decide();
        assertThat(decision.decided()).isFalse();
        assertThat(decision.verdict()).isEqualTo(Verdict.TOO_FEW_FACES);
        assertThat(decision.personId()).isNull();
        assertThat(decision.faces()).isEqualTo(2);
        vote.add(sharp("ann", 0.8, 300));
        assertThat(vote.decide().personId()).isEqualTo("ann");
    }

    @Test
    void aTieBetweenTwoPersonsIsUndecided() {
        IdentityVote vote = new IdentityVote(SETTINGS);
        for (int i = 0; i < 3; i++) {
            vote.add(sharp("ann", 0.7, i));
            vote.add(sharp("bob", 0.7, i));
        }
        IdentityDecision decision = vote.decide();
        assertThat(decision.verdict()).isEqualTo(Verdict.TIE);
        assertThat(decision.personId()).isNull();
        assertThat(decision.totalFaces()).isEqualTo(6);
    }

    @Test
    void mostlyUnknownFacesAreUndecidedAndKeepTheBestFrame() {
        IdentityVote vote = new IdentityVote(SETTINGS);
        for (int i = 0; i < 3; i++) {
            vote.add(sharp("ann", 0.55, i));
        }
        for (int i = 3; i < 7; i++) {
            vote.add(unknown(i));
        }
        IdentityDecision decision = vote.decide();
        assertThat(decision.verdict()).isEqualTo(Verdict.MOSTLY_UNKNOWN);
        assertThat(decision.personId()).isNull();
        assertThat(decision.totalFaces()).isEqualTo(7);
        assertThat(decision.bestObservation()).isNotNull();
    }

    @Test
    void unknownFacesOutweighedByTheLeaderDoNotPreventADecision() {
        IdentityVote vote = new IdentityVote(SETTINGS);
        for (int i = 0; i < 4; i++) {
            vote.add(sharp("ann", 0.6, i));
        }
        vote.add(unknown(10));
        vote.add(unknown(11));
        assertThat(vote.decide().personId()).isEqualTo("ann");
    }

    @Test
    void candidatesAreBoundedAndTheStrongestPersonSurvivesTheNoise() {
        IdentityVote vote = new IdentityVote(SETTINGS);
        for (int i = 0; i < 200; i++) {
            if (i % 10 == 0) {
                vote.add(sharp("ann", 0.7, i));
            }
            // A stream of one-off weak matches, each a different person.
            vote.add(new FaceObservation("stranger-" + i, 0.45, 0.0, 60, 0.7, i));
            assertThat(vote.candidates()).isLessThanOrEqualTo(SETTINGS.maxCandidates());
        }
        assertThat(vote.candidates()).isEqualTo(SETTINGS.maxCandidates());
        assertThat(vote.faces()).isEqualTo(220);
        IdentityDecision decision = vote.decide();
        assertThat(decision.personId()).isEqualTo("ann");
        assertThat(decision.faces()).isEqualTo(20);
    }

    @Test
    void noObservationsMeansNoCandidate() {
        IdentityDecision decision = new IdentityVote(SETTINGS).decide();
        assertThat(decision.verdict()).isEqualTo(Verdict.NO_CANDIDATE);
        assertThat(decision.bestObservation()).isNull();
        assertThat(decision.bestScore()).isNaN();
    }

    @Test
    void aRestoredVoteContinuesWhereItStopped() {
        IdentityVote vote = new IdentityVote(SETTINGS);
        vote.add(sharp("ann", 0.7, 1));
        vote.add(sharp("ann", 0.72, 2));
        vote.add(unknown(3));
        IdentityVote restored = Serialization.roundTrip(vote);
        assertThat(restored.decide()).isEqualTo(vote.decide());
        restored.add(sharp("ann", 0.71, 4));
        vote.add(sharp("ann", 0.71, 4));
        assertThat(restored.decide()).isEqualTo(vote.decide());
        assertThat(restored.decide().personId()).isEqualTo("ann");
    }
}
