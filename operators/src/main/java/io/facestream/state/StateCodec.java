package io.facestream.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;

/**
 * How one kind of value is written to state and read back, by format version. A job lives for years and is upgraded
 * from savepoints: the format a value was written in is recorded with the state (by Flink, in the serializer's
 * snapshot), so a newer codec reads every older format it knows. Change the written fields only by raising
 * {@link #version()} and keeping a read path for each earlier version; a test restores a value of each.
 *
 * <p>Implementations are stateless and have a public no-argument constructor: a restored job finds them by class name.
 * They are {@link Serializable} only because Flink ships an operator (with its state descriptors) inside the job graph.
 */
public interface StateCodec<T> extends Serializable {
    /** The format this codec writes (1 for the first). */
    int version();

    void write(T value, DataOutput out) throws IOException;

    /**
     * Writes in format {@code version}. A codec writes its own format only: a serializer restored from an older one
     * reads it and hands its bytes on unchanged, and an attempt to write it fails here rather than label new bytes
     * with an old format.
     */
    default void write(T value, int version, DataOutput out) throws IOException {
        if (version != version()) {
            throw new IOException(getClass().getSimpleName() + " writes format " + version() + ", not " + version);
        }
        write(value, out);
    }

    /** A value written in format {@code version}, which is at most {@link #version()}. */
    T read(int version, DataInput in) throws IOException;
}
