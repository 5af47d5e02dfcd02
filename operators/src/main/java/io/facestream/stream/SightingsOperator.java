package io.facestream.stream;

import io.facestream.match.Match;
import io.facestream.match.Person;
import io.facestream.match.Similarity;
import io.facestream.pipeline.Face;
import io.facestream.state.StateCodec;
import io.facestream.state.StateFields;
import io.facestream.track.CameraTimeline;
import io.facestream.track.CameraTracks;
import io.facestream.track.KeptFace;
import io.facestream.track.KeptFaceIndex;
import io.facestream.track.PeopleOnCameras;
import io.facestream.track.Sighting;
import io.facestream.track.TimelineSettings;
import io.facestream.track.TrackFormat;
import io.facestream.track.TrackedFace;
import io.facestream.track.UnnamedTrack;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by camera: turns matched frames (input 1) into sightings, each camera on its own clock. Frames reach it out
 * of order (analysis is unordered), so each waits in state, in a slice of its camera's time, until that camera's time
 * read off this machine's clock is {@code reorderMs} past the slice ({@link CameraTimeline}); slices are then tracked
 * in capture order. A camera's tracks end when its own time passes their absence limit, whether or not it still sends
 * frames with faces. Nothing waits for any other camera or any Kafka partition, so a camera with a wrong clock, a
 * silent partition or a busy one changes no other camera's sightings. What waits per camera is bounded (count and age;
 * beyond, the oldest slices go at once, counted), and a camera silent for the idle time has its tracks closed and its
 * state dropped (unnamed tracks kept for matching back in time stay until the retroactive window ends).
 *
 * <p>The gallery's changes (input 2, broadcast from the shard that applied them) reach the cameras that need them
 * through two in-memory indexes rebuilt from state at start: which unnamed tracks (live or ended) keep faces that may
 * be a newly enrolled person ({@link KeptFaceIndex}), and which cameras' live tracks mention a deleted person
 * ({@link PeopleOnCameras}). An enrollment or deletion therefore reads those cameras' state only, never every camera's.
 * A deleted person is also remembered for a while, so that frames matched before the deletion reached the gallery
 * never name them here.
 *
 * <p>Everything lives in keyed or broadcast state, so a restored job continues its tracks and writes no sighting twice
 * (the sink is transactional). A camera's clock measured before a restart does not count after it: its tracks wait
 * for its next frames, or for the idle time counted from the restart.
 */
public class SightingsOperator extends AbstractStreamOperator<Sighting>
        implements TwoInputStreamOperator<MatchedFrame, GalleryChange, Sighting>, Triggerable<String, VoidNamespace>,
        BoundedMultiInput {
    private static final Logger LOG = LoggerFactory.getLogger(SightingsOperator.class);
    /**
     * The people enrolled in the last {@link #RECENT_ENROLLMENT_MS} (the same on every subtask). Frames matched before
     * an enrollment reached their gallery shard may still be in flight or waiting here; they are compared with these
     * people too before they are tracked, so a person enrolled while they stand in front of a camera is named from
     * their first frame.
     */
    public static final MapStateDescriptor<String, RecentEnrollment> RECENT_ENROLLMENTS = new MapStateDescriptor<>(
            "enrolled-lately", StringSerializer.INSTANCE, new VersionedSerializer<>(new RecentEnrollmentCodec()));
    /** People deleted in the last {@link #RECENT_DELETION_MS}, with when (this machine's clock). */
    public static final MapStateDescriptor<String, Long> RECENT_DELETIONS = new MapStateDescriptor<>("recent-deletions",
            Types.STRING, Types.LONG);
    /** Processing time an enrollment is compared with released frames: longer than frames wait here or in flight. */
    static final long RECENT_ENROLLMENT_MS = 30_000;
    /**
     * The most recent enrollments kept: a bulk load must not put the whole gallery here, nor compare every face with
     * it; beyond these, matching back in time still names tracks.
     */
    static final int RECENT_ENROLLMENTS_KEPT = 64;
    /** ... and at most this many bytes of them. */
    static final long RECENT_ENROLLMENT_BYTES = 4L << 20;
    /** How long a deletion is remembered: far longer than any frame waits here or is in flight towards here. */
    static final long RECENT_DELETION_MS = 600_000;
    static final int RECENT_DELETIONS_KEPT = 100_000;

    private static final ValueStateDescriptor<CameraTracks> TRACKS = new ValueStateDescriptor<>("camera-tracks",
            new VersionedSerializer<>(new TrackFormat.CameraTracksCodec()));
    private static final ValueStateDescriptor<CameraTimeline> TIMELINE = new ValueStateDescriptor<>("timeline",
            TypeInformation.of(CameraTimeline.class));
    /** Frames waiting, under the end of their slice (the namespace): a slice is read and cleared on its own. */
    private static final ListStateDescriptor<MatchedFrame> PENDING = new ListStateDescriptor<>("pending-frames",
            TypeInformation.of(MatchedFrame.class));
    private static final Comparator<MatchedFrame> CAPTURE_ORDER = Comparator
            .comparingLong((MatchedFrame frame) -> frame.frame().captureTs())
            .thenComparingLong(frame -> frame.frame().frameSeq());

    /**
     * A person as enrolled, and when the enrollment arrived here (processing time); {@code model}: the recognizer of
     * the embeddings (null when written before it was recorded: the job's own).
     */
    record RecentEnrollment(String personId, String name, float[][] embeddings, long arrivedAt, String model) {
        /** About what it takes in state: what the bound on recent enrollments counts. */
        long bytes() {
            long floats = 0;
            for (float[] embedding : embeddings) {
                floats += embedding.length;
            }
            return 4 * floats + 2L * (personId.length() + (name == null ? 0 : name.length())) + 32;
        }
    }

    /** {@link RecentEnrollment} in state; format 2 added the recognizer. */
    public static final class RecentEnrollmentCodec implements StateCodec<RecentEnrollment> {
        @Override
        public int version() {
            return 2;
        }

        @Override
        public void write(RecentEnrollment enrollment, DataOutput out) throws IOException {
            out.writeUTF(enrollment.personId());
            StateFields.writeString(out, enrollment.name());
            StateFields.writeFloatRows(out, enrollment.embeddings());
            out.writeLong(enrollment.arrivedAt());
            StateFields.writeString(out, enrollment.model()); // format 2
        }

        @Override
        public RecentEnrollment read(int version, DataInput in) throws IOException {
            if (version < 1 || version > 2) {
                throw new IOException("recent enrollments in state format " + version + "; this version reads formats 1 "
                        + "and 2");
            }
            return new RecentEnrollment(in.readUTF(), StateFields.readString(in), StateFields.readFloatRows(in), in.readLong(),
                    version >= 2 ? StateFields.readString(in) : null);
        }
    }

    private final TrackingSettings settings;
    private final String model;
    private final int dimension;
    private final MapStateDescriptor<Long, UnnamedTrack> unnamedDescriptor;

    private transient ValueState<CameraTracks> tracks;
    private transient ValueState<CameraTimeline> timeline;
    private transient InternalListState<String, Long, MatchedFrame> pending;
    private transient MapState<Long, UnnamedTrack> unnamed;
    private transient BroadcastState<String, RecentEnrollment> recentEnrollmentState;
    private transient BroadcastState<String, Long> recentDeletionState;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient KeptFaceIndex keptFaces;
    private transient PeopleOnCameras people;
    /** Mirrors of the broadcast states, oldest first, so that frames are not checked against deserialized bytes. */
    private transient LinkedHashMap<String, RecentEnrollment> recentEnrollments;
    private transient LinkedHashMap<String, Long> recentDeletions;
    private transient long recentEnrollmentBytes;
    /** When this run of the operator started (processing time): a clock measured before it does not count. */
    private transient long startedAt;
    private transient Counter opened;
    private transient Counter updated;
    private transient Counter closed;
    private transient Counter retroactive;
    private transient Counter lateFrames;
    private transient Counter releasedOverBound;
    private transient Counter clockResets;
    private transient Counter camerasDropped;
    private transient Counter unnamedKept;
    private transient Counter unnamedErased;
    private transient Counter unnamedEvicted;
    private transient LongCounter sightingsAccumulator;

    public SightingsOperator(TrackingSettings settings, String model, int dimension) {
        this.settings = settings;
        this.model = model;
        this.dimension = dimension;
        this.unnamedDescriptor = new MapStateDescriptor<>("kept-tracks", LongSerializer.INSTANCE,
                new VersionedSerializer<>(new TrackFormat.UnnamedTrackCodec()));
        // Always with a time to live (nothing is written with a window of 0), so that changing the window between
        // runs never changes the state's serializer, which Flink could not restore.
        unnamedDescriptor.enableTimeToLive(keptTracksTtl(Math.max(1, settings.retroactiveWindowMs())));
    }

    /**
     * The privacy bound: unnamed faces are erased this long after they were kept (checked on access and by RocksDB
     * compaction), whether or not anyone is enrolled.
     */
    static StateTtlConfig keptTracksTtl(long retroactiveWindowMs) {
        return StateTtlConfig.newBuilder(Duration.ofMillis(retroactiveWindowMs))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        tracks = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, TRACKS);
        timeline = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, TIMELINE);
        pending = (InternalListState<String, Long, MatchedFrame>) getOrCreateKeyedState(LongSerializer.INSTANCE, PENDING);
        unnamed = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, unnamedDescriptor);
        recentEnrollmentState = getOperatorStateBackend().getBroadcastState(RECENT_ENROLLMENTS);
        recentDeletionState = getOperatorStateBackend().getBroadcastState(RECENT_DELETIONS);
        timers = getInternalTimerService("sightings-wake-up", VoidNamespaceSerializer.INSTANCE, this);
        startedAt = now();
        migrateLegacyState();
        OperatorMetrics metrics = new OperatorMetrics(getMetricGroup());
        opened = metrics.counter(StreamMetrics.SIGHTINGS_OPENED);
        updated = metrics.counter(StreamMetrics.SIGHTINGS_UPDATED);
        closed = metrics.counter(StreamMetrics.SIGHTINGS_CLOSED);
        retroactive = metrics.counter(StreamMetrics.SIGHTINGS_RETROACTIVE);
        lateFrames = metrics.counter(StreamMetrics.LATE_FRAMES);
        releasedOverBound = metrics.counter(StreamMetrics.FRAMES_RELEASED_OVER_BOUND);
        clockResets = metrics.counter(StreamMetrics.CAMERA_CLOCK_RESETS);
        camerasDropped = metrics.counter(StreamMetrics.CAMERAS_DROPPED);
        unnamedKept = metrics.counter(StreamMetrics.UNNAMED_TRACKS_KEPT);
        unnamedErased = metrics.counter(StreamMetrics.UNNAMED_TRACKS_ERASED);
        unnamedEvicted = metrics.counter(StreamMetrics.UNNAMED_TRACKS_EVICTED);
        sightingsAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.SIGHTINGS_ACCUMULATOR);
        rebuild();
        metrics.group().gauge(StreamMetrics.UNNAMED_TRACKS_HELD, () -> keptFaces.endedTracks());
        metrics.group().gauge(StreamMetrics.CAMERAS_WITH_LIVE_TRACKS, () -> people.cameras());
    }

    /**
     * State restored from a savepoint of a version before versioned state ({@link LegacySightingsState}) is read once,
     * written in the versioned format and cleared: tracks and kept unnamed tracks, recent enrollments, and (from
     * versions that waited for the job's watermark) frames pending per camera, which now wait in their camera's slices.
     * Their old timers fire into nothing and are deleted where their times are known. A fresh job finds nothing here.
     */
    @SuppressWarnings("unchecked")
    private void migrateLegacyState() throws Exception {
        LegacySightingsState legacy = new LegacySightingsState(getUserCodeClassloader());
        BroadcastState<String, byte[]> oldEnrollments = getOperatorStateBackend()
                .getBroadcastState(LegacySightingsState.RECENT_ENROLLMENTS);
        List<String> oldEnrollmentsMigrated = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : oldEnrollments.entries()) {
            recentEnrollmentState.put(entry.getKey(), legacy.recentEnrollment(entry.getValue()));
            oldEnrollmentsMigrated.add(entry.getKey());
        }
        oldEnrollments.clear();
        getOperatorStateBackend().getBroadcastState(LegacySightingsState.GALLERY_CHANGES_BROADCAST).clear();

        ValueState<byte[]> oldTracks = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                LegacySightingsState.TRACKS);
        InternalListState<String, VoidNamespace, MatchedFrame> oldPending = (InternalListState<String, VoidNamespace, MatchedFrame>)
                getOrCreateKeyedState(VoidNamespaceSerializer.INSTANCE, LegacySightingsState.PENDING);
        ValueState<Long> oldIdleTimer = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                LegacySightingsState.IDLE_TIMER);
        ValueState<Long> oldExpiryTimer = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                LegacySightingsState.EXPIRY_TIMER);
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        // Earlier versions registered it without a time to live when the window was 0, but wrote to it only with a
        // window (and a time to live): registered here only when restored with entries, which have one.
        MapState<Long, byte[]> oldUnnamed = null;
        Set<String> cameras = new TreeSet<>();
        try (var keys = backend.getKeys(LegacySightingsState.UNNAMED_TRACKS, VoidNamespace.INSTANCE)) {
            keys.forEach(cameras::add);
        }
        if (!cameras.isEmpty()) {
            oldUnnamed = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    LegacySightingsState.unnamedTracks(Math.max(1, settings.retroactiveWindowMs())));
        }
        InternalTimerService<VoidNamespace> oldTimers = getInternalTimerService(LegacySightingsState.TIMER_SERVICE,
                VoidNamespaceSerializer.INSTANCE, new Triggerable<String, VoidNamespace>() {
                    @Override
                    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
                        // the old function's release or expiry: its frames and tracks were migrated
                    }

                    @Override
                    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
                        // the old function's idle timer: this operator schedules its own wake-ups
                    }
                });
        for (String state : List.of(LegacySightingsState.TRACKS.getName(), LegacySightingsState.PENDING.getName(),
                LegacySightingsState.IDLE_TIMER.getName(), LegacySightingsState.EXPIRY_TIMER.getName())) {
            try (var keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                keys.forEach(cameras::add);
            }
        }
        long now = now();
        int migrated = 0;
        int keptMigrated = 0;
        int framesMigrated = 0;
        for (String id : cameras) {
            setCurrentKey(id);
            CameraTracks restored = null;
            byte[] oldBytes = oldTracks.value();
            if (oldBytes != null) {
                restored = load(id, legacy.cameraTracks(oldBytes));
                tracks.update(restored);
                oldTracks.clear();
            }
            if (oldUnnamed != null) {
                for (Map.Entry<Long, byte[]> entry : oldUnnamed.entries()) {
                    if (settings.retroactiveWindowMs() > 0) { // a window of 0 keeps nothing, whatever was kept before
                        unnamed.put(entry.getKey(), legacy.unnamedTrack(entry.getValue()));
                        keptMigrated++;
                    }
                }
                oldUnnamed.clear();
            }
            CameraTimeline line = timelineOfCurrentCamera();
            oldPending.setCurrentNamespace(VoidNamespace.INSTANCE);
            Iterable<MatchedFrame> waiting = oldPending.get();
            int frames = 0;
            if (waiting != null) {
                for (MatchedFrame frame : waiting) {
                    oldTimers.deleteEventTimeTimer(VoidNamespace.INSTANCE,
                            LegacySightingsState.releaseTimer(frame.frame().captureTs()));
                    line = wait(line, frame, now);
                    frames++;
                }
            }
            oldPending.clear();
            Long idleTimer = oldIdleTimer.value();
            if (idleTimer != null) {
                oldTimers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, idleTimer);
                oldIdleTimer.clear();
            }
            Long expiryTimer = oldExpiryTimer.value();
            if (expiryTimer != null) {
                oldTimers.deleteEventTimeTimer(VoidNamespace.INSTANCE, expiryTimer);
                oldExpiryTimer.clear();
            }
            if (restored != null) {
                line = line.withNextExpiry(restored.nextExpiryMs());
            }
            if (restored != null || frames > 0) {
                long wake = line.nextWake(startedAt, settings.timeline());
                if (line.wakeAtMs() != Long.MAX_VALUE) {
                    timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, line.wakeAtMs());
                }
                timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, wake);
                timeline.update(line.withWakeAt(wake));
                migrated++;
                framesMigrated += frames;
            }
        }
        if (migrated > 0 || keptMigrated > 0 || !oldEnrollmentsMigrated.isEmpty()) {
            LOG.info("state of an earlier version rewritten in the versioned format: {} cameras' tracks, {} waiting "
                    + "frames, {} kept unnamed tracks, {} recent enrollments", migrated, framesMigrated, keptMigrated,
                    oldEnrollmentsMigrated.size());
        }
    }

    /** Whether embeddings of {@code recognizer} compare with this job's (null: written before it was recorded). */
    private boolean ofThisRecognizer(String recognizer) {
        return recognizer == null || recognizer.equals(model);
    }

    /** The in-memory indexes and mirrors, from state (after a restore or a rescale). */
    private void rebuild() throws Exception {
        keptFaces = new KeptFaceIndex(dimension, settings.sightings().matchThreshold(), settings.maxKeptTracks());
        people = new PeopleOnCameras();
        this.<String>getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, TRACKS,
                (camera, state) -> indexLive(camera, load(camera, state.value())));
        List<KeptFaceIndex.TrackRef> otherRecognizer = new ArrayList<>();
        if (settings.retroactiveWindowMs() > 0) {
            this.<String>getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, unnamedDescriptor,
                    (camera, kept) -> {
                        for (Map.Entry<Long, UnnamedTrack> entry : kept.entries()) {
                            if (ofThisRecognizer(entry.getValue().model())) {
                                keptFaces.addEnded(camera, entry.getKey(), faces(entry.getValue()), startedAt);
                            } else {
                                otherRecognizer.add(new KeptFaceIndex.TrackRef(camera, entry.getKey(), false));
                            }
                        }
                    });
        }
        // Another recognizer's faces (the job restarted with another one): no one enrolled with this one can be found
        // in them, so they go now rather than at the end of the window.
        for (KeptFaceIndex.TrackRef ref : otherRecognizer) {
            setCurrentKey(ref.camera());
            unnamed.remove(ref.trackId());
            unnamedErased.inc();
        }
        recentEnrollments = new LinkedHashMap<>();
        List<RecentEnrollment> enrolled = new ArrayList<>();
        List<String> otherRecognizerEnrollments = new ArrayList<>();
        for (Map.Entry<String, RecentEnrollment> entry : recentEnrollmentState.entries()) {
            if (ofThisRecognizer(entry.getValue().model())) {
                enrolled.add(entry.getValue());
                recentEnrollmentBytes += entry.getValue().bytes();
            } else {
                otherRecognizerEnrollments.add(entry.getKey());
            }
        }
        for (String personId : otherRecognizerEnrollments) {
            recentEnrollmentState.remove(personId);
        }
        enrolled.sort(Comparator.comparingLong(RecentEnrollment::arrivedAt));
        enrolled.forEach(enrollment -> recentEnrollments.put(enrollment.personId(), enrollment));
        recentDeletions = new LinkedHashMap<>();
        List<Map.Entry<String, Long>> deletions = new ArrayList<>();
        recentDeletionState.entries().forEach(deletions::add);
        deletions.sort(Map.Entry.comparingByValue());
        deletions.forEach(entry -> recentDeletions.put(entry.getKey(), entry.getValue()));
    }

    /** A matched frame of the camera whose id is the current key. */
    @Override
    public void processElement1(StreamRecord<MatchedFrame> record) throws Exception {
        MatchedFrame frame = record.getValue();
        Camera camera = new Camera((String) getCurrentKey());
        long now = now();
        long captureTs = frame.frame().captureTs();
        TimelineSettings clock = settings.timeline();
        CameraTimeline line = timelineOfCurrentCamera();
        CameraTimeline.Arrival arrival = line.classify(captureTs, clock);
        if (arrival == CameraTimeline.Arrival.CLOCK_SET_BACK) {
            // Its clock was set back: what it had goes now, its tracks close, and its time starts from this frame.
            clockResets.inc();
            line = release(camera, line, line.all(), now);
            emit(camera, camera.tracks().restartClock(), now);
            line = line.restarted();
        }
        line = line.observed(captureTs, now, startedAt, clock);
        if (arrival == CameraTimeline.Arrival.LATE) {
            lateFrames.inc();
            track(camera, List.of(frame), now);
        } else {
            line = wait(line, frame, now);
        }
        if (line.pending().frameCount() > clock.maxPendingFrames()) {
            line = advance(camera, line, now);
        }
        finish(camera, line, now);
    }

    private CameraTimeline wait(CameraTimeline line, MatchedFrame frame, long now) throws Exception {
        long captureTs = frame.frame().captureTs();
        pending.setCurrentNamespace(settings.timeline().sliceEnd(captureTs));
        pending.add(frame);
        return line.pend(captureTs, now, settings.timeline());
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        CameraTimeline line = timeline.value();
        if (line == null || timer.getTimestamp() != line.wakeAtMs()) {
            return; // not this camera's current wake-up (it was dropped, or a later one replaced it)
        }
        Camera camera = new Camera(timer.getKey());
        long now = now();
        line = line.withWakeAt(Long.MAX_VALUE); // this one has fired
        if (line.idle(now, startedAt, settings.timeline())) {
            line = release(camera, line, line.all(), now);
            emit(camera, camera.tracks().closeAll(), now);
            drop(camera);
            return;
        }
        finish(camera, advance(camera, line, now), now);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // Cameras keep their own clocks: nothing here runs on the job's event time.
    }

    /** Releases what is due at {@code now} and ends the tracks the camera's time has passed. */
    private CameraTimeline advance(Camera camera, CameraTimeline line, long now) throws Exception {
        CameraTimeline.Due due = line.due(now, startedAt, settings.timeline());
        if (due.framesOverBound() > 0) {
            releasedOverBound.inc(due.framesOverBound());
        }
        line = release(camera, line, due, now);
        if (camera.loaded() || line.nextExpiryMs() <= line.releasedThroughMs()) {
            emit(camera, camera.tracks().expire(line.releasedThroughMs()), now);
        }
        return line;
    }

    /** Tracks the first {@code due.slices()} slices' frames, in capture order, reading each slice once. */
    private CameraTimeline release(Camera camera, CameraTimeline line, CameraTimeline.Due due, long now) throws Exception {
        List<MatchedFrame> frames = new ArrayList<>();
        for (int i = 0; i < due.slices(); i++) {
            pending.setCurrentNamespace(line.pending().end(i));
            Iterable<MatchedFrame> slice = pending.get();
            if (slice != null) {
                slice.forEach(frames::add);
            }
            pending.clear();
        }
        frames.sort(CAPTURE_ORDER);
        track(camera, frames, now);
        return line.released(due);
    }

    private void track(Camera camera, List<MatchedFrame> frames, long now) throws Exception {
        for (MatchedFrame frame : rematch(frames, now)) {
            List<TrackedFace> tracked = new ArrayList<>(frame.faces().length);
            for (int i = 0; i < frame.faces().length; i++) {
                Face face = frame.faces()[i];
                // A face embedded by another recognizer (waiting or in flight at a restart with this one) is followed
                // by position only: its embedding becomes no track's appearance and no kept face.
                float[] embedding = ofThisRecognizer(face.model()) ? face.embedding() : null;
                tracked.add(TrackedFace.of(face.detection(), embedding, frame.best()[i]));
            }
            emit(camera, camera.tracks().frame(frame.frame().frameSeq(), frame.frame().captureTs(), tracked), now);
        }
    }

    /** Saves what changed and schedules the camera's next wake-up (one timer per camera at a time). */
    private void finish(Camera camera, CameraTimeline line, long now) throws Exception {
        if (camera.loaded()) {
            save(camera);
            line = line.withNextExpiry(camera.tracks().nextExpiryMs());
        }
        long wake = line.nextWake(startedAt, settings.timeline());
        if (wake != line.wakeAtMs()) {
            if (line.wakeAtMs() != Long.MAX_VALUE) {
                timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, line.wakeAtMs());
            }
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, wake);
            line = line.withWakeAt(wake);
        }
        timeline.update(line);
        keptFaces.expireBefore(now - settings.retroactiveWindowMs());
        eraseEvicted(camera);
    }

    /** The camera went silent: nothing of it stays but the unnamed tracks kept for matching back in time. */
    private void drop(Camera camera) throws Exception {
        tracks.clear();
        timeline.clear();
        keptFaces.replaceLive(camera.id, Map.of());
        people.replace(camera.id, Set.of());
        camerasDropped.inc();
        eraseEvicted(camera);
    }

    /** The input of frames ended (a bounded run, or a drained stop): every camera's frames are tracked and closed. */
    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId != 1) {
            return;
        }
        List<String> cameras = new ArrayList<>();
        this.<String>getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, TIMELINE,
                (camera, state) -> cameras.add(camera));
        long now = now();
        for (String id : cameras) {
            setCurrentKey(id);
            CameraTimeline line = timeline.value();
            Camera camera = new Camera(id);
            line = release(camera, line, line.all(), now);
            emit(camera, camera.tracks().closeAll(), now);
            if (line.wakeAtMs() != Long.MAX_VALUE) {
                timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, line.wakeAtMs());
            }
            drop(camera);
        }
    }

    @Override
    public void processElement2(StreamRecord<GalleryChange> record) throws Exception {
        Person person = record.getValue().person();
        long now = now();
        if (person.deleted()) {
            forgetEnrollment(person.id());
            rememberDeletion(person.id(), now);
            erase(person.id(), record.getValue().previousEmbeddings(), now);
            return;
        }
        if (!model.equals(person.model())) {
            return; // another recognizer's embeddings cannot be compared with the faces kept
        }
        forgetDeletion(person.id());
        rememberEnrollment(person, now);
        nameBack(person, now);
    }

    /** A new person: unnamed tracks whose kept faces vote for them are named, live ones now, ended ones back in time. */
    private void nameBack(Person person, long now) throws Exception {
        Candidates candidates = new Candidates(keptFaces.candidates(person.embeddings()), Set.of());
        for (String id : candidates.liveCameras) {
            setCurrentKey(id);
            Camera camera = new Camera(id);
            emitAll(camera.tracks().enrolled(person.id(), person.name(), person.embeddings()));
            save(camera);
        }
        for (KeptFaceIndex.TrackRef ref : candidates.ended) {
            setCurrentKey(ref.camera());
            UnnamedTrack track = keptTrack(ref);
            java.util.Optional<Sighting> found = track == null ? java.util.Optional.empty() : track.matchBack(person.id(),
                    person.name(), person.embeddings(), settings.sightings().matchThreshold(), settings.sightings().vote());
            if (found.isPresent()) {
                emitAll(List.of(found.get()));
                forgetKept(ref); // named now: its faces are no longer needed
            }
        }
    }

    /**
     * A person was deleted: their live sightings close and no vote or name of theirs stays in a live track; the faces
     * kept for matching back in time that resemble the embeddings the gallery had for them are erased, so nothing of
     * the person outlives the deletion here.
     */
    private void erase(String personId, float[][] previousEmbeddings, long now) throws Exception {
        Candidates candidates = new Candidates(previousEmbeddings.length == 0 ? List.of()
                : keptFaces.candidates(previousEmbeddings), people.camerasOf(personId));
        for (String id : candidates.liveCameras) {
            setCurrentKey(id);
            if (tracks.value() != null) {
                Camera camera = new Camera(id);
                emitAll(camera.tracks().deleted(personId, previousEmbeddings));
                save(camera);
            }
        }
        for (KeptFaceIndex.TrackRef ref : candidates.ended) {
            setCurrentKey(ref.camera());
            UnnamedTrack track = keptTrack(ref);
            if (track != null && track.resembles(previousEmbeddings, settings.sightings().matchThreshold())) {
                forgetKept(ref);
                unnamedErased.inc();
            }
        }
    }

    /** The cameras whose live tracks a gallery change must visit, and the ended tracks it must read. */
    private static final class Candidates {
        final Set<String> liveCameras = new TreeSet<>();
        final List<KeptFaceIndex.TrackRef> ended = new ArrayList<>();

        Candidates(List<KeptFaceIndex.TrackRef> refs, Set<String> moreLiveCameras) {
            for (KeptFaceIndex.TrackRef ref : refs) {
                if (ref.live()) {
                    liveCameras.add(ref.camera());
                } else {
                    ended.add(ref);
                }
            }
            liveCameras.addAll(moreLiveCameras);
        }
    }

    /** The unnamed track kept under {@code ref} (current key: its camera); null, and out of the index, when gone. */
    private UnnamedTrack keptTrack(KeptFaceIndex.TrackRef ref) throws Exception {
        UnnamedTrack track = settings.retroactiveWindowMs() > 0 ? unnamed.get(ref.trackId()) : null;
        if (track == null) {
            keptFaces.removeEnded(ref.camera(), ref.trackId()); // expired from state (the retroactive window)
        }
        return track;
    }

    private void forgetKept(KeptFaceIndex.TrackRef ref) throws Exception {
        unnamed.remove(ref.trackId());
        keptFaces.removeEnded(ref.camera(), ref.trackId());
    }

    /** Keeps the person among the recent enrollments; the oldest go past the window, the count or the bytes. */
    private void rememberEnrollment(Person person, long now) throws Exception {
        forgetEnrollment(person.id());
        RecentEnrollment enrollment = new RecentEnrollment(person.id(), person.name(), person.embeddings(), now,
                person.model());
        recentEnrollments.put(person.id(), enrollment);
        recentEnrollmentState.put(person.id(), enrollment);
        recentEnrollmentBytes += enrollment.bytes();
        Iterator<RecentEnrollment> oldest = recentEnrollments.values().iterator();
        while (oldest.hasNext()) {
            RecentEnrollment first = oldest.next();
            boolean over = recentEnrollments.size() > RECENT_ENROLLMENTS_KEPT || recentEnrollmentBytes > RECENT_ENROLLMENT_BYTES
                    || first.arrivedAt() < now - RECENT_ENROLLMENT_MS;
            if (!over || first == enrollment) {
                break;
            }
            oldest.remove();
            recentEnrollmentBytes -= first.bytes();
            recentEnrollmentState.remove(first.personId());
        }
    }

    private void forgetEnrollment(String personId) throws Exception {
        RecentEnrollment forgotten = recentEnrollments.remove(personId);
        if (forgotten != null) {
            recentEnrollmentBytes -= forgotten.bytes();
            recentEnrollmentState.remove(personId);
        }
    }

    private void rememberDeletion(String personId, long now) throws Exception {
        recentDeletions.remove(personId);
        recentDeletions.put(personId, now);
        recentDeletionState.put(personId, now);
        Iterator<Map.Entry<String, Long>> oldest = recentDeletions.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<String, Long> first = oldest.next();
            if (recentDeletions.size() <= RECENT_DELETIONS_KEPT && first.getValue() >= now - RECENT_DELETION_MS) {
                break;
            }
            oldest.remove();
            recentDeletionState.remove(first.getKey());
        }
    }

    private void forgetDeletion(String personId) throws Exception {
        if (recentDeletions.remove(personId) != null) {
            recentDeletionState.remove(personId);
        }
    }

    /**
     * The frames with their faces also compared with the people enrolled lately (a frame matched before such an
     * enrollment reached its gallery shard gets the match it would have had), and never naming a person deleted
     * lately (a frame matched before the deletion reached its shard).
     */
    private List<MatchedFrame> rematch(List<MatchedFrame> frames, long now) {
        if (frames.isEmpty() || recentEnrollments.isEmpty() && recentDeletions.isEmpty()) {
            return frames;
        }
        List<RecentEnrollment> recent = recentEnrollments.values().stream()
                .filter(enrollment -> enrollment.arrivedAt() >= now - RECENT_ENROLLMENT_MS).toList();
        List<MatchedFrame> rematched = new ArrayList<>(frames.size());
        for (MatchedFrame frame : frames) {
            Match[] best = frame.best().clone();
            for (int i = 0; i < best.length; i++) {
                if (best[i].personId() != null && recentDeletions.containsKey(best[i].personId())) {
                    best[i] = Match.unknown(best[i].score(), best[i].runnerUp());
                }
                float[] embedding = frame.faces()[i].embedding();
                if (embedding == null || !ofThisRecognizer(frame.faces()[i].model())) {
                    continue;
                }
                for (RecentEnrollment enrollment : recent) {
                    float score = Similarity.toPerson(embedding, enrollment.embeddings());
                    best[i] = best[i].withCandidate(enrollment.personId(), enrollment.name(), score,
                            settings.sightings().matchThreshold());
                }
            }
            rematched.add(new MatchedFrame(frame.frame(), frame.faces(), best));
        }
        return rematched;
    }

    private void emit(Camera camera, CameraTracks.Update update, long now) throws Exception {
        emitAll(update.sightings());
        if (settings.retroactiveWindowMs() <= 0) {
            return;
        }
        for (UnnamedTrack track : update.unnamed()) {
            unnamed.put(track.trackId(), track);
            unnamedKept.inc();
            camera.evicted.addAll(keptFaces.addEnded(camera.id, track.trackId(), faces(track), now));
        }
    }

    private void emitAll(List<Sighting> sightings) {
        for (Sighting sighting : sightings) {
            switch (sighting.state()) {
                case OPEN -> opened.inc();
                case UPDATE -> updated.inc();
                case CLOSED -> closed.inc();
            }
            if (sighting.retroactive()) {
                retroactive.inc();
            }
            sightingsAccumulator.add(1);
            output.collect(new StreamRecord<>(sighting));
        }
    }

    /** Erases the kept tracks the index had no room for (other cameras' state), then returns to {@code camera}. */
    private void eraseEvicted(Camera camera) throws Exception {
        if (camera.evicted.isEmpty()) {
            return;
        }
        for (KeptFaceIndex.TrackRef ref : camera.evicted) {
            setCurrentKey(ref.camera());
            unnamed.remove(ref.trackId());
            unnamedEvicted.inc();
        }
        camera.evicted.clear();
        setCurrentKey(camera.id);
    }

    private CameraTimeline timelineOfCurrentCamera() throws IOException {
        CameraTimeline line = timeline.value();
        return line == null ? CameraTimeline.NEW : line;
    }

    private void save(Camera camera) throws Exception {
        tracks.update(camera.tracks());
        indexLive(camera.id, camera.tracks());
    }

    private void indexLive(String camera, CameraTracks cameraTracks) {
        keptFaces.replaceLive(camera, cameraTracks.liveUnnamedFaces());
        people.replace(camera, cameraTracks.mentionedPeople());
    }

    private CameraTracks load(String camera, CameraTracks saved) {
        if (saved == null) {
            // Ids from this machine's clock: a camera whose state was dropped never repeats an id it used before.
            CameraTracks fresh = new CameraTracks(camera, settings.sightings(), Math.max(1, now() * 1000 + 1));
            fresh.useRecognizer(model);
            return fresh;
        }
        saved.reconfigure(settings.sightings()); // settings are not kept in state: they are this run's
        saved.useRecognizer(model);
        return saved;
    }

    private static float[][] faces(UnnamedTrack track) {
        return track.kept().stream().map(KeptFace::embedding).toArray(float[][]::new);
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    /** The camera being worked on: its tracks, read from state when first needed, and kept tracks to erase after. */
    private final class Camera {
        final String id;
        final List<KeptFaceIndex.TrackRef> evicted = new ArrayList<>();
        private CameraTracks tracks;

        Camera(String id) {
            this.id = id;
        }

        CameraTracks tracks() throws Exception {
            if (tracks == null) {
                tracks = load(id, SightingsOperator.this.tracks.value());
            }
            return tracks;
        }

        boolean loaded() {
            return tracks != null;
        }
    }

    /** Cameras with a live track (for tests). */
    Set<String> camerasMentioning(String personId) {
        return new TreeSet<>(people.camerasOf(personId));
    }
}
