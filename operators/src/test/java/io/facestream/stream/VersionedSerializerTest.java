package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.state.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * State written by one version of a codec is read by the next: the snapshot names the codec and its format, the
 * restored serializer reads that format, and Flink is told to migrate (or that nothing needs to change).
 */
class VersionedSerializerTest {
    record Visitor(String name, int visits) {
    }

    /** Format 1: the name only. */
    public static final class VisitorCodecV1 implements StateCodec<Visitor> {
        @Override
        public int version() {
            return 1;
        }

        @Override
        public void write(Visitor value, DataOutput out) throws IOException {
            out.writeUTF(value.name());
        }

        @Override
        public Visitor read(int version, DataInput in) throws IOException {
            return new Visitor(in.readUTF(), 0);
        }
    }

    /** Format 2 adds the visits, and still reads format 1 (visits 0). Stands for "the same class, a later version". */
    public static final class VisitorCodec implements StateCodec<Visitor> {
        @Override
        public int version() {
            return 2;
        }

        @Override
        public void write(Visitor value, DataOutput out) throws IOException {
            out.writeUTF(value.name());
            out.writeInt(value.visits());
        }

        @Override
        public Visitor read(int version, DataInput in) throws IOException {
            String name = in.readUTF();
            return new Visitor(name, version >= 2 ? in.readInt() : 0);
        }
    }

    @Test
    void aValueAndItsCopyComeBackEqualAndTheCopyIsNotTheSameObject() throws IOException {
        VersionedSerializer<Visitor> serializer = new VersionedSerializer<>(new VisitorCodec());
        Visitor visitor = new Visitor("ann", 3);
        assertThat(read(serializer, write(serializer, visitor))).isEqualTo(visitor);
        assertThat(serializer.copy(visitor)).isEqualTo(visitor).isNotSameAs(visitor);
        assertThat(serializer.copy(null)).isNull();
    }

    @Test
    void stateOfTheOlderFormatIsReadByTheNewerCodecAfterItsSnapshotAsksForMigration() throws IOException {
        VersionedSerializer<Visitor> old = new VersionedSerializer<>(new VisitorCodecV1());
        byte[] written = write(old, new Visitor("ann", 0));
        // What the checkpoint keeps of the old serializer, read back by the new job.
        TypeSerializerSnapshot<Visitor> oldSnapshot = restoreSnapshot(old.snapshotConfiguration());
        assertThat(read(oldSnapshot.restoreSerializer(), written)).isEqualTo(new Visitor("ann", 0));

        VersionedSerializer<Visitor> newer = new VersionedSerializer<>(new VisitorCodec());
        // The codec class differs here only because a test cannot hold two versions of one class; same class below.
        assertThat(newer.snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot).isIncompatible()).isTrue();

        TypeSerializerSnapshot<Visitor> formatOne = restoreSnapshot(snapshotOf(new VisitorCodec(), 1));
        TypeSerializerSchemaCompatibility<Visitor> compatibility = newer.snapshotConfiguration()
                .resolveSchemaCompatibility(formatOne);
        assertThat(compatibility.isCompatibleAfterMigration()).isTrue();
        assertThat(read(formatOne.restoreSerializer(), written)).isEqualTo(new Visitor("ann", 0));
        assertThat(newer.snapshotConfiguration().resolveSchemaCompatibility(restoreSnapshot(newer.snapshotConfiguration()))
                .isCompatibleAsIs()).isTrue();
    }

    @Test
    void stateOfANewerFormatThanThisVersionKnowsIsRefused() throws IOException {
        VersionedSerializer<Visitor> serializer = new VersionedSerializer<>(new VisitorCodec());
        TypeSerializerSnapshot<Visitor> fromTheFuture = restoreSnapshot(snapshotOf(new VisitorCodec(), 3));
        assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(fromTheFuture).isIncompatible()).isTrue();
    }

    private static TypeSerializerSnapshot<Visitor> snapshotOf(StateCodec<Visitor> codec, int version) {
        return new VersionedSerializer.Snapshot<>(codec, version);
    }

    private static TypeSerializerSnapshot<Visitor> restoreSnapshot(TypeSerializerSnapshot<Visitor> snapshot)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
                VersionedSerializerTest.class.getClassLoader());
    }

    private static byte[] write(TypeSerializer<Visitor> serializer, Visitor visitor) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(visitor, out);
        return out.getCopyOfBuffer();
    }

    private static Visitor read(TypeSerializer<Visitor> serializer, byte[] bytes) throws IOException {
        return serializer.deserialize(new DataInputDeserializer(bytes));
    }
}
