package io.facestream.match;

import java.io.Serializable;

/**
 * The best gallery candidate for a face; {@code known} is false when its score is below the threshold.
 * {@code runnerUp} is the best score of any other person (NaN when there was none): how clearly the
 * gallery told this person apart, which the sightings vote weighs.
 */
public record Match(String personId, String name, float score, boolean known, float runnerUp) implements Serializable {

    public Match(String personId, String name, float score, boolean known) {
        this(personId, name, score, known, Float.NaN);
    }

    public static Match unknown(float bestScore) {
        return new Match(null, null, bestScore, false);
    }

    public static Match unknown(float bestScore, float runnerUp) {
        return new Match(null, null, bestScore, false, runnerUp);
    }

    /**
     * This match after also comparing the face with a person the gallery did not have when it was searched: the
     * person becomes the best candidate when they score higher (known when the score reaches {@code matchThreshold}),
     * else they may be the runner-up. Comparing with a person the search already had changes nothing.
     */
    public Match withCandidate(String candidateId, String candidateName, float candidateScore, double matchThreshold) {
        if (Float.isNaN(candidateScore)) {
            return this;
        }
        boolean same = candidateId.equals(personId);
        if (Float.isNaN(score) || candidateScore > score) {
            float next = same ? runnerUp : score;
            return new Match(candidateId, candidateName, candidateScore, Similarity.reaches(candidateScore, matchThreshold),
                    next);
        }
        if (same || !Float.isNaN(runnerUp) && runnerUp >= candidateScore) {
            return this;
        }
        return new Match(personId, name, score, known, candidateScore);
    }

    /** The lead of the best person over the next; NaN when either score is unknown. */
    public float margin() {
        return score - runnerUp;
    }
}
