package io.facestream.stream;

import io.facestream.state.StateCodec;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.util.InstantiationUtil;

/**
 * A Flink serializer for state written by a {@link StateCodec}. Its snapshot, kept in every checkpoint and savepoint,
 * names the codec and the format the values were written in, so a newer job reads them with the codec's read path for
 * that format and Flink rewrites them in the newer one (schema migration). Neither Java serialization nor Kryo.
 */
public final class VersionedSerializer<T> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;

    private final StateCodec<T> codec;
    /** The format values read by this serializer are in: the codec's own, or an older one when restoring. */
    private final int readVersion;

    public VersionedSerializer(StateCodec<T> codec) {
        this(codec, codec.version());
    }

    private VersionedSerializer(StateCodec<T> codec, int readVersion) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.readVersion = readVersion;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return this; // the codec keeps nothing between calls
    }

    @Override
    public T createInstance() {
        return null;
    }

    /** A deep copy, through the format itself (values are small, and copies are rare: heap snapshots only). */
    @Override
    public T copy(T from) {
        if (from == null) {
            return null;
        }
        try {
            DataOutputSerializer out = new DataOutputSerializer(256);
            codec.write(from, out);
            return codec.read(codec.version(), new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy a " + from.getClass().getSimpleName(), e);
        }
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    /** In the format this serializer stands for, so that its snapshot says what the bytes are. */
    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        codec.write(record, readVersion, target);
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        return codec.read(readVersion, source);
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VersionedSerializer<?> that && that.codec.getClass() == codec.getClass()
                && that.readVersion == readVersion;
    }

    @Override
    public int hashCode() {
        return Objects.hash(codec.getClass().getName(), readVersion);
    }

    /**
     * The format of the values this serializer reads and writes: a restored state that no operator registered again
     * keeps its bytes (RocksDB) under this serializer, and its next snapshot must still name their format.
     */
    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(codec, readVersion);
    }

    /** The codec's class and the format it wrote: all a later job needs to read the values back. */
    public static final class Snapshot<T> implements TypeSerializerSnapshot<T> {
        private static final int SNAPSHOT_FORMAT = 1;

        private StateCodec<T> codec;
        private int version;

        /** For Flink, which reads a snapshot into a new instance. */
        public Snapshot() {
        }

        Snapshot(StateCodec<T> codec, int version) {
            this.codec = codec;
            this.version = version;
        }

        @Override
        public int getCurrentVersion() {
            return SNAPSHOT_FORMAT;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(codec.getClass().getName());
            out.writeInt(version);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void readSnapshot(int snapshotFormat, DataInputView in, ClassLoader classLoader) throws IOException {
            if (snapshotFormat != SNAPSHOT_FORMAT) {
                throw new IOException("a serializer snapshot of format " + snapshotFormat + "; this version reads "
                        + SNAPSHOT_FORMAT);
            }
            String codecClass = in.readUTF();
            version = in.readInt();
            try {
                codec = InstantiationUtil.instantiate(Class.forName(codecClass, true, classLoader)
                        .asSubclass(StateCodec.class));
            } catch (ClassNotFoundException | RuntimeException e) {
                throw new IOException("state was written by codec " + codecClass + ", which this version cannot load", e);
            }
        }

        @Override
        public TypeSerializer<T> restoreSerializer() {
            return new VersionedSerializer<>(codec, version);
        }

        /**
         * Called on the new job's snapshot with the one restored: the same format reads as it is; an older one of the
         * same codec is read with its own read path and rewritten (Flink migrates the state); anything else is refused.
         */
        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
            if (!(oldSnapshot instanceof Snapshot<T> old) || old.codec.getClass() != codec.getClass()
                    || old.version > version) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return old.version == version ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
    }
}
