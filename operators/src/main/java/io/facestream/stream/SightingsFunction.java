package io.facestream.stream;

import io.facestream.embed.Vectors;
import io.facestream.match.Match;
import io.facestream.match.Person;
import io.facestream.track.CameraTracks;
import io.facestream.track.Sighting;
import io.facestream.track.TrackedFace;
import io.facestream.track.UnnamedTrack;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.InstantiationUtil;

/**
 * Keyed by camera: turns matched frames into sightings. Frames reach it out of order (analysis is
 * unordered), so each waits in state until the watermark passes its capture time and is then
 * tracked in capture order; a frame that arrives after the watermark is tracked at once, at the
 * camera's latest time. Tracks end by event time (timers), and, when a camera sends nothing for
 * {@code idleCloseMs} of processing time, all at once, so that cameras that all stopped (event
 * time standing still) still close their sightings.
 *
 * <p>The gallery's changes arrive broadcast (from the shard that applied them): a new person is
 * matched against the unnamed tracks of every camera, live ones and those that ended within the
 * retroactive window (kept in state with a TTL, then erased); a deleted person's live sightings
 * close and kept faces resembling their last embeddings are erased.
 *
 * <p>Everything lives in keyed state, so a restored job continues its tracks and writes no
 * sighting twice (the sink is transactional).
 */
public class SightingsFunction extends KeyedBroadcastProcessFunction<String, MatchedFrame, GalleryChange, Sighting> {
    /**
     * Flink hands a keyed function a broadcast input only with a broadcast state; this one stays empty: gallery
     * changes act on the cameras' keyed state and are not kept (the gallery shards keep the people).
     */
    public static final MapStateDescriptor<String, String> GALLERY_CHANGES_BROADCAST = new MapStateDescriptor<>(
            "gallery-changes-broadcast", Types.STRING, Types.STRING);
    /**
     * The people enrolled in the last {@link #RECENT_ENROLLMENT_MS} (broadcast: the same on every camera's instance).
     * Frames matched before an enrollment reached their gallery shard may still be in flight or waiting here for
     * event time; they are compared with these people too before they are tracked, so a person enrolled while the
     * job starts, or while they stand in front of a camera, is named from their first frame.
     */
    public static final MapStateDescriptor<String, byte[]> RECENT_ENROLLMENTS = new MapStateDescriptor<>(
            "recent-enrollments", Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    /** Processing time an enrollment is compared with released frames: longer than frames wait here or in flight. */
    static final long RECENT_ENROLLMENT_MS = 30_000;
    /**
     * The most recent enrollments kept: a bulk load (a large gallery.dir, a replayed enrollments topic) must not put
     * the whole gallery here, nor compare every face with it; beyond these, matching back in time still names tracks.
     */
    static final int RECENT_ENROLLMENTS_KEPT = 64;

    /** A person as enrolled, and when the enrollment arrived here (processing time). */
    record RecentEnrollment(String personId, String name, float[][] embeddings, long arrivedAt)
            implements java.io.Serializable {
    }

    private static final ValueStateDescriptor<byte[]> TRACKS = new ValueStateDescriptor<>("tracks",
            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    private static final ListStateDescriptor<MatchedFrame> PENDING = new ListStateDescriptor<>("pending",
            TypeInformation.of(MatchedFrame.class));
    private static final ValueStateDescriptor<Long> IDLE_TIMER = new ValueStateDescriptor<>("idle-timer", Types.LONG);
    private static final ValueStateDescriptor<Long> EXPIRY_TIMER = new ValueStateDescriptor<>("expiry-timer", Types.LONG);
    private static final Comparator<MatchedFrame> CAPTURE_ORDER = Comparator
            .comparingLong((MatchedFrame frame) -> frame.frame().captureTs())
            .thenComparingLong(frame -> frame.frame().frameSeq());

    /** Pending frames are released by slices of this much event time (Flink's watermark interval is 200 ms). */
    static final long RELEASE_SLICE_MS = 200;

    private final TrackingSettings settings;
    private final String model;
    private final MapStateDescriptor<Long, byte[]> unnamedDescriptor;

    private transient ValueState<byte[]> tracks;
    private transient ListState<MatchedFrame> pending;
    private transient MapState<Long, byte[]> unnamed;
    private transient ValueState<Long> idleTimer;
    private transient ValueState<Long> expiryTimer;
    private transient Counter opened;
    private transient Counter updated;
    private transient Counter closed;
    private transient Counter retroactive;
    private transient Counter lateFrames;
    private transient Counter unnamedKept;
    private transient Counter unnamedErased;
    private transient LongCounter sightingsAccumulator;
    /** When this instance first saw a frame or timer (processing time): a restore is not idleness. */
    private transient long startedAt;

    public SightingsFunction(TrackingSettings settings, String model) {
        this.settings = settings;
        this.model = model;
        this.unnamedDescriptor = new MapStateDescriptor<>("unnamed-tracks", Types.LONG,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        if (settings.retroactiveWindowMs() > 0) {
            // The privacy bound: unnamed faces are erased this long after they were kept (checked on access and
            // by RocksDB compaction), whether or not anyone is enrolled.
            unnamedDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(settings.retroactiveWindowMs()))
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .cleanupInRocksdbCompactFilter(1000)
                    .build());
        }
    }

    @Override
    public void open(OpenContext openContext) {
        tracks = getRuntimeContext().getState(TRACKS);
        pending = getRuntimeContext().getListState(PENDING);
        unnamed = getRuntimeContext().getMapState(unnamedDescriptor);
        idleTimer = getRuntimeContext().getState(IDLE_TIMER);
        expiryTimer = getRuntimeContext().getState(EXPIRY_TIMER);
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        opened = metrics.counter(StreamMetrics.SIGHTINGS_OPENED);
        updated = metrics.counter(StreamMetrics.SIGHTINGS_UPDATED);
        closed = metrics.counter(StreamMetrics.SIGHTINGS_CLOSED);
        retroactive = metrics.counter(StreamMetrics.SIGHTINGS_RETROACTIVE);
        lateFrames = metrics.counter(StreamMetrics.LATE_FRAMES);
        unnamedKept = metrics.counter(StreamMetrics.UNNAMED_TRACKS_KEPT);
        unnamedErased = metrics.counter(StreamMetrics.UNNAMED_TRACKS_ERASED);
        sightingsAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.SIGHTINGS_ACCUMULATOR);
        startedAt = Long.MIN_VALUE;
    }

    @Override
    public void processElement(MatchedFrame frame, ReadOnlyContext ctx, Collector<Sighting> out) throws Exception {
        if (startedAt == Long.MIN_VALUE) {
            startedAt = ctx.timerService().currentProcessingTime();
        }
        long captureTs = frame.frame().captureTs();
        // Late only once its slice has been released: until then it waits with the slice's other frames, in order.
        if (releaseTime(captureTs) <= ctx.timerService().currentWatermark()) {
            lateFrames.inc();
            CameraTracks cameraTracks = load(ctx.getCurrentKey());
            emit(track(cameraTracks, rematch(List.of(frame), ctx).get(0)), out);
            save(cameraTracks);
            scheduleExpiry(cameraTracks, ctx);
        } else {
            pending.add(frame);
            // One timer per slice of event time, not per frame: each firing reads the pending list once for all the
            // frames it releases (the watermark itself moves in steps of the same order).
            ctx.timerService().registerEventTimeTimer(releaseTime(captureTs));
        }
        if (settings.idleCloseMs() > 0) {
            // Moved forward at most every quarter of the idle time, not on every frame: a camera is closed between
            // idleCloseMs and 1.25 x idleCloseMs after its last frame.
            long at = ctx.timerService().currentProcessingTime() + settings.idleCloseMs();
            Long previous = idleTimer.value();
            if (previous == null || at - previous >= settings.idleCloseMs() / 4) {
                if (previous != null) {
                    ctx.timerService().deleteProcessingTimeTimer(previous);
                }
                ctx.timerService().registerProcessingTimeTimer(at);
                idleTimer.update(at);
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Sighting> out) throws Exception {
        CameraTracks cameraTracks = load(ctx.getCurrentKey());
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            for (MatchedFrame frame : rematch(release(timestamp), ctx)) {
                emit(track(cameraTracks, frame), out);
            }
            emit(cameraTracks.expire(timestamp), out);
        } else {
            if (!Long.valueOf(timestamp).equals(idleTimer.value())) {
                return; // replaced by a later frame's timer
            }
            if (startedAt == Long.MIN_VALUE) {
                startedAt = ctx.timerService().currentProcessingTime();
            }
            long graceEnd = startedAt + settings.idleCloseMs();
            if (timestamp < graceEnd) {
                // Overdue because the job was down, not because the camera was: give it the idle time from the restart.
                ctx.timerService().registerProcessingTimeTimer(graceEnd);
                idleTimer.update(graceEnd);
                return;
            }
            idleTimer.clear();
            for (MatchedFrame frame : rematch(release(Long.MAX_VALUE), ctx)) {
                emit(track(cameraTracks, frame), out);
            }
            emit(cameraTracks.closeAll(), out);
        }
        save(cameraTracks);
        scheduleExpiry(cameraTracks, ctx);
    }

    @Override
    public void processBroadcastElement(GalleryChange change, Context ctx, Collector<Sighting> out) throws Exception {
        Person person = change.person();
        if (person.deleted()) {
            ctx.getBroadcastState(RECENT_ENROLLMENTS).remove(person.id());
            erase(person.id(), change.previousEmbeddings(), ctx, out);
            return;
        }
        if (!model.equals(person.model())) {
            return; // another recognizer's embeddings cannot be compared with the faces kept
        }
        remember(person, ctx);
        ctx.applyToKeyedState(TRACKS, (camera, state) -> {
            CameraTracks cameraTracks = load(camera, state.value());
            List<Sighting> named = cameraTracks.enrolled(person.id(), person.name(), person.embeddings());
            if (!named.isEmpty()) {
                emitAll(named, out);
                state.update(InstantiationUtil.serializeObject(cameraTracks));
            }
        });
        if (settings.retroactiveWindowMs() <= 0) {
            return;
        }
        ctx.applyToKeyedState(unnamedDescriptor, (camera, kept) -> {
            List<Long> found = new ArrayList<>();
            for (Map.Entry<Long, byte[]> entry : kept.entries()) {
                UnnamedTrack track = InstantiationUtil.deserializeObject(entry.getValue(),
                        getRuntimeContext().getUserCodeClassLoader());
                track.matchBack(person.id(), person.name(), person.embeddings(), settings.sightings().matchThreshold(),
                        settings.sightings().vote()).ifPresent(sighting -> {
                            emitAll(List.of(sighting), out);
                            found.add(entry.getKey());
                        });
            }
            for (Long trackId : found) {
                kept.remove(trackId); // named now: its faces are no longer needed
            }
        });
    }

    /**
     * A person was deleted: their live sightings close, and the faces kept for matching back in time that resemble
     * the embeddings the gallery had for them are erased (unnamed tracks, live or ended), so that nothing of the
     * person outlives the deletion here.
     */
    private void erase(String personId, float[][] previousEmbeddings, Context ctx, Collector<Sighting> out)
            throws Exception {
        ctx.applyToKeyedState(TRACKS, (camera, state) -> {
            CameraTracks cameraTracks = load(camera, state.value());
            List<Sighting> closedNow = cameraTracks.deleted(personId, previousEmbeddings);
            emitAll(closedNow, out);
            state.update(InstantiationUtil.serializeObject(cameraTracks));
        });
        if (settings.retroactiveWindowMs() <= 0 || previousEmbeddings.length == 0) {
            return;
        }
        double threshold = settings.sightings().matchThreshold();
        ctx.applyToKeyedState(unnamedDescriptor, (camera, kept) -> {
            List<Long> erased = new ArrayList<>();
            for (Map.Entry<Long, byte[]> entry : kept.entries()) {
                UnnamedTrack track = InstantiationUtil.deserializeObject(entry.getValue(),
                        getRuntimeContext().getUserCodeClassLoader());
                if (track.resembles(previousEmbeddings, threshold)) {
                    erased.add(entry.getKey());
                }
            }
            for (Long trackId : erased) {
                kept.remove(trackId);
                unnamedErased.inc();
            }
        });
    }

    /**
     * When to fire for a track's expiry: never at a slice's end, because Flink keeps one timer per time and key, so
     * deleting a moved expiry timer would also delete the release of that slice's frames (a millisecond later is
     * harmless for an expiry).
     */
    static long expiryTime(long expiry) {
        return expiry != Long.MAX_VALUE && Math.floorMod(expiry, RELEASE_SLICE_MS) == RELEASE_SLICE_MS - 1 ? expiry + 1
                : expiry;
    }

    /** The end of the slice of event time {@code captureTs} falls in: frames wait for the watermark to pass it. */
    static long releaseTime(long captureTs) {
        long slice = Math.floorDiv(captureTs, RELEASE_SLICE_MS);
        return slice * RELEASE_SLICE_MS + RELEASE_SLICE_MS - 1;
    }

    /** Keeps the person among the recent enrollments, and forgets those older than the window. */
    private void remember(Person person, Context ctx) throws Exception {
        long now = ctx.currentProcessingTime();
        var recent = ctx.getBroadcastState(RECENT_ENROLLMENTS);
        recent.remove(person.id());
        List<RecentEnrollment> kept = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : recent.entries()) {
            kept.add(InstantiationUtil.deserializeObject(entry.getValue(), getRuntimeContext().getUserCodeClassLoader()));
        }
        kept.sort(Comparator.comparingLong(RecentEnrollment::arrivedAt).reversed());
        for (int i = 0; i < kept.size(); i++) {
            if (i >= RECENT_ENROLLMENTS_KEPT - 1 || kept.get(i).arrivedAt() < now - RECENT_ENROLLMENT_MS) {
                recent.remove(kept.get(i).personId());
            }
        }
        recent.put(person.id(), InstantiationUtil.serializeObject(
                new RecentEnrollment(person.id(), person.name(), person.embeddings(), now)));
    }

    /**
     * The frames with their faces also compared with the people enrolled lately: a frame matched before such an
     * enrollment reached its gallery shard gets the match it would have had (for later frames nothing changes).
     */
    private List<MatchedFrame> rematch(List<MatchedFrame> frames, ReadOnlyContext ctx) throws Exception {
        if (frames.isEmpty()) {
            return frames;
        }
        long since = ctx.currentProcessingTime() - RECENT_ENROLLMENT_MS;
        List<RecentEnrollment> recent = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : ctx.getBroadcastState(RECENT_ENROLLMENTS).immutableEntries()) {
            RecentEnrollment enrollment = InstantiationUtil.deserializeObject(entry.getValue(),
                    getRuntimeContext().getUserCodeClassLoader());
            if (enrollment.arrivedAt() >= since) {
                recent.add(enrollment);
            }
        }
        if (recent.isEmpty()) {
            return frames;
        }
        float threshold = (float) settings.sightings().matchThreshold();
        List<MatchedFrame> rematched = new ArrayList<>(frames.size());
        for (MatchedFrame frame : frames) {
            Match[] best = frame.best().clone();
            for (int i = 0; i < best.length; i++) {
                float[] embedding = frame.faces()[i].embedding();
                if (embedding == null) {
                    continue;
                }
                for (RecentEnrollment enrollment : recent) {
                    float score = Float.NaN;
                    for (float[] enrolled : enrollment.embeddings()) {
                        float similarity = Vectors.dot(embedding, enrolled);
                        score = Float.isNaN(score) ? similarity : Math.max(score, similarity);
                    }
                    best[i] = best[i].withCandidate(enrollment.personId(), enrollment.name(), score, threshold);
                }
            }
            rematched.add(new MatchedFrame(frame.frame(), frame.faces(), best));
        }
        return rematched;
    }

    /** The frames pending up to {@code timestamp}, in capture order; the rest stay pending. */
    private List<MatchedFrame> release(long timestamp) throws Exception {
        List<MatchedFrame> due = new ArrayList<>();
        List<MatchedFrame> later = new ArrayList<>();
        Iterable<MatchedFrame> all = pending.get();
        if (all != null) {
            for (MatchedFrame frame : all) {
                (frame.frame().captureTs() <= timestamp ? due : later).add(frame);
            }
        }
        if (!due.isEmpty()) {
            pending.update(later);
        }
        due.sort(CAPTURE_ORDER);
        return due;
    }

    private CameraTracks.Update track(CameraTracks cameraTracks, MatchedFrame frame) {
        List<TrackedFace> tracked = new ArrayList<>(frame.faces().length);
        for (int i = 0; i < frame.faces().length; i++) {
            tracked.add(TrackedFace.of(frame.faces()[i], frame.best()[i]));
        }
        return cameraTracks.frame(frame.frame().frameSeq(), frame.frame().captureTs(), tracked);
    }

    private void emit(CameraTracks.Update update, Collector<Sighting> out) throws Exception {
        emitAll(update.sightings(), out);
        if (settings.retroactiveWindowMs() > 0) {
            for (UnnamedTrack track : update.unnamed()) {
                unnamed.put(track.trackId(), InstantiationUtil.serializeObject(track));
                unnamedKept.inc();
            }
        }
    }

    private void emitAll(List<Sighting> sightings, Collector<Sighting> out) {
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
            out.collect(sighting);
        }
    }

    private void scheduleExpiry(CameraTracks cameraTracks, ReadOnlyContext ctx) throws Exception {
        long next = expiryTime(cameraTracks.nextExpiryMs());
        Long scheduled = expiryTimer.value();
        if (scheduled != null && scheduled == next) {
            return;
        }
        if (scheduled != null) {
            ctx.timerService().deleteEventTimeTimer(scheduled);
        }
        if (next == Long.MAX_VALUE) {
            expiryTimer.clear();
        } else {
            ctx.timerService().registerEventTimeTimer(next);
            expiryTimer.update(next);
        }
    }

    private CameraTracks load(String camera) throws Exception {
        return load(camera, tracks.value());
    }

    private CameraTracks load(String camera, byte[] saved) throws Exception {
        if (saved == null) {
            return new CameraTracks(camera, settings.sightings());
        }
        CameraTracks restored = InstantiationUtil.deserializeObject(saved, getRuntimeContext().getUserCodeClassLoader());
        restored.reconfigure(settings.sightings());
        return restored;
    }

    /** Kept even with no track live: the camera's next track id must not repeat an earlier one. */
    private void save(CameraTracks cameraTracks) throws IOException {
        tracks.update(InstantiationUtil.serializeObject(cameraTracks));
    }
}
