package io.facestream.stream;

import io.facestream.track.CameraTracks;
import io.facestream.track.UnnamedTrack;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.util.Map;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The sightings stage's state as versions before versioned state kept it: tracks, kept unnamed tracks and recent
 * enrollments as Java-serialized bytes, and (up to commit 1fe8d6c, a keyed broadcast function on the job's watermark)
 * frames pending in one list per camera, with event-time and idle timers. {@link SightingsOperator} reads it once, when
 * it first restores such a savepoint, into its versioned state, and clears it. Drop this class, and the
 * {@code Serializable} of the track classes, once savepoints of those versions need no restoring.
 */
final class LegacySightingsState {
    static final ValueStateDescriptor<byte[]> TRACKS = new ValueStateDescriptor<>("tracks",
            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    static final MapStateDescriptor<String, byte[]> RECENT_ENROLLMENTS = new MapStateDescriptor<>("recent-enrollments",
            Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    /** Up to 1fe8d6c: the broadcast pattern's descriptor, never written. */
    static final MapStateDescriptor<String, String> GALLERY_CHANGES_BROADCAST = new MapStateDescriptor<>(
            "gallery-changes-broadcast", Types.STRING, Types.STRING);
    /** Up to 1fe8d6c: frames waiting for the watermark, per camera. */
    static final ListStateDescriptor<MatchedFrame> PENDING = new ListStateDescriptor<>("pending",
            TypeInformation.of(MatchedFrame.class));
    static final ValueStateDescriptor<Long> IDLE_TIMER = new ValueStateDescriptor<>("idle-timer", Types.LONG);
    static final ValueStateDescriptor<Long> EXPIRY_TIMER = new ValueStateDescriptor<>("expiry-timer", Types.LONG);
    /** The timer service of Flink's keyed broadcast operator, which ran that function. */
    static final String TIMER_SERVICE = "user-timers";
    /** Up to 1fe8d6c, pending frames were released by slices of this much event time. */
    private static final long RELEASE_SLICE_MS = 200;

    private static final Map<String, String> RENAMED = Map.of(
            "io.facestream.stream.SightingsFunction$RecentEnrollment",
            io.facestream.stream.legacy.SightingsFunction.RecentEnrollment.class.getName(),
            "io.facestream.stream.SightingsOperator$RecentEnrollment",
            io.facestream.stream.legacy.SightingsOperator.RecentEnrollment.class.getName());

    private final ClassLoader classLoader;

    LegacySightingsState(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    static final String UNNAMED_TRACKS = "unnamed-tracks";

    /** Kept unnamed tracks, with a time to live as they were written (Flink reads them only so). */
    static MapStateDescriptor<Long, byte[]> unnamedTracks(long retroactiveWindowMs) {
        MapStateDescriptor<Long, byte[]> descriptor = new MapStateDescriptor<>(UNNAMED_TRACKS, Types.LONG,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        descriptor.enableTimeToLive(SightingsOperator.keptTracksTtl(retroactiveWindowMs));
        return descriptor;
    }

    /** The event time the old function's release timer for a frame captured at {@code captureTs} was set to. */
    static long releaseTimer(long captureTs) {
        return Math.floorDiv(captureTs, RELEASE_SLICE_MS) * RELEASE_SLICE_MS + RELEASE_SLICE_MS - 1;
    }

    CameraTracks cameraTracks(byte[] bytes) throws IOException {
        return read(bytes, CameraTracks.class);
    }

    UnnamedTrack unnamedTrack(byte[] bytes) throws IOException {
        return read(bytes, UnnamedTrack.class);
    }

    SightingsOperator.RecentEnrollment recentEnrollment(byte[] bytes) throws IOException {
        Object value = read(bytes, Object.class);
        if (value instanceof io.facestream.stream.legacy.SightingsFunction.RecentEnrollment old) {
            return new SightingsOperator.RecentEnrollment(old.personId(), old.name(), old.embeddings(), old.arrivedAt(), null);
        }
        if (value instanceof io.facestream.stream.legacy.SightingsOperator.RecentEnrollment old) {
            return new SightingsOperator.RecentEnrollment(old.personId(), old.name(), old.embeddings(), old.arrivedAt(), null);
        }
        throw new InvalidClassException(value.getClass().getName(), "not a recent enrollment");
    }

    /** The classes such state is made of, and no other: these bytes come from a savepoint, not from this code. */
    private static ObjectInputFilter.Status onlyStateClasses(ObjectInputFilter.FilterInfo info) {
        Class<?> type = info.serialClass();
        while (type != null && type.isArray()) {
            type = type.getComponentType();
        }
        if (type == null || type.isPrimitive()) {
            return ObjectInputFilter.Status.UNDECIDED;
        }
        String name = type.getName();
        return name.startsWith("io.facestream.") || name.startsWith("java.lang.") || name.startsWith("java.util.")
                ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED;
    }

    private <T> T read(byte[] bytes, Class<T> type) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass written) throws ClassNotFoundException {
                return Class.forName(RENAMED.getOrDefault(written.getName(), written.getName()), false, classLoader);
            }
        }) {
            in.setObjectInputFilter(LegacySightingsState::onlyStateClasses);
            return type.cast(in.readObject());
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IOException("state of an earlier version holds a class this version cannot read", e);
        }
    }
}
