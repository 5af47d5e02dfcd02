package io.facestream.match;

import java.io.Serializable;

/** The best gallery candidate for a face; {@code known} is false when its score is below the threshold. */
public record Match(String personId, String name, float score, boolean known) implements Serializable {

    public static Match unknown(float bestScore) {
        return new Match(null, null, bestScore, false);
    }
}
