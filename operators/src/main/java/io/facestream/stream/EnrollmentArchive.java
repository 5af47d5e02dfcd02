package io.facestream.stream;

import io.facestream.serde.EnrollmentRecord;
import java.io.Serializable;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Where the gallery's enrollments can be read back: the compacted enrollments topic, and {@code gallery.dir}. A
 * recognizer switch reads the photos again from here rather than keeping them in state (PRIVACY.md).
 */
public interface EnrollmentArchive extends Serializable {

    /**
     * Hands {@code each} the latest record of every person in {@code wanted} that has one, as of the call (a person's
     * older records are skipped, and so is a person whose latest record is a deletion); stops early once
     * {@code cancelled} says so. Runs on a thread of its own, apart from the task thread.
     */
    void readLatest(Set<String> wanted, Consumer<EnrollmentRecord> each, BooleanSupplier cancelled) throws Exception;

    /** What it reads, for logs and dead letters. */
    String describe();
}
