package io.facestream.stream.legacy;

/**
 * Only the name of the sightings function of versions up to commit 1fe8d6c, whose recent enrollments are in savepoints
 * as Java-serialized {@code SightingsFunction$RecentEnrollment}: Java serialization finds a class by its simple name.
 */
public final class SightingsFunction {
    private SightingsFunction() {
    }

    /** As written by those versions. */
    public record RecentEnrollment(String personId, String name, float[][] embeddings, long arrivedAt)
            implements java.io.Serializable {
    }
}
