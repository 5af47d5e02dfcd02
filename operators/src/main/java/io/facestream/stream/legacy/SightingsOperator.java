package io.facestream.stream.legacy;

/**
 * Only the name of the sightings operator's first version (after commit 1fe8d6c, before versioned state), whose
 * recent enrollments are in savepoints as Java-serialized {@code SightingsOperator$RecentEnrollment}.
 */
public final class SightingsOperator {
    private SightingsOperator() {
    }

    /** As written by that version. */
    public record RecentEnrollment(String personId, String name, float[][] embeddings, long arrivedAt)
            implements java.io.Serializable {
    }
}
