package io.facestream.track;

/**
 * One camera's place in its own time, as the sightings stage keeps it (small, in keyed state): how far its frames have
 * been tracked ({@code releasedThroughMs}, the camera's own watermark), its clock against this machine's, which slices
 * of its time have frames waiting, when its last frame arrived, when its next track would end (camera time) and when
 * the stage should next look at it (this machine's time). Nothing here depends on any other camera, so a camera with a
 * wrong clock, a silent one or a busy one changes only its own sightings. Immutable.
 *
 * <p>A frame waits until the camera's time, read off this machine's clock, is {@code reorderMs} past its slice; or,
 * whatever the clock says, until it has waited {@code maxWaitMs}, or until the camera has more than
 * {@code maxPendingFrames} frames waiting (then its oldest slices go at once, counted). A clock measured before the
 * job (re)started does not count: a restored camera's tracks wait for its frames, or for the idle time from the start.
 */
public record CameraTimeline(long releasedThroughMs, CameraClock clock, PendingSlices pending, long lastArrivalMs,
        long nextExpiryMs, long wakeAtMs) {
    /** A camera not seen before (or whose state was dropped after it went silent). */
    public static final CameraTimeline NEW = new CameraTimeline(Long.MIN_VALUE, CameraClock.UNKNOWN, PendingSlices.NONE,
            Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);

    /** Where a frame that just arrived goes. */
    public enum Arrival {
        /** Its slice is still ahead of the camera's watermark: it waits with it. */
        PENDING,
        /** Its slice was released already: it is tracked at once, at the camera's latest time. */
        LATE,
        /** Far behind what the camera already had tracked: its clock was set back, the camera starts again. */
        CLOCK_SET_BACK
    }

    /**
     * What is due at a moment: the first {@code slices} pending slices, after which the camera's watermark is
     * {@code releasedThroughMs}; {@code framesOverBound} of their frames go early because the camera had too many
     * waiting or they waited too long.
     */
    public record Due(int slices, long releasedThroughMs, int framesOverBound) {
    }

    public Arrival classify(long captureMs, TimelineSettings settings) {
        if (releasedThroughMs == Long.MIN_VALUE || captureMs > releasedThroughMs) {
            return Arrival.PENDING;
        }
        return captureMs < CameraClock.saturatedAdd(releasedThroughMs, -settings.clockResetMs()) ? Arrival.CLOCK_SET_BACK
                : Arrival.LATE;
    }

    /** The timeline once a frame captured at {@code captureMs} arrived at {@code arrivalMs}: its clock and arrival. */
    public CameraTimeline observed(long captureMs, long arrivalMs, long startedAtMs, TimelineSettings settings) {
        // Offsets measured before the job started again include the downtime: start measuring afresh.
        CameraClock base = clockSince(startedAtMs) ? clock : CameraClock.UNKNOWN;
        return new CameraTimeline(releasedThroughMs, base.observe(captureMs, arrivalMs, settings.clockWindowMs()), pending,
                Math.max(lastArrivalMs, arrivalMs), nextExpiryMs, wakeAtMs);
    }

    /** The frame waits in its slice. */
    public CameraTimeline pend(long captureMs, long arrivalMs, TimelineSettings settings) {
        return new CameraTimeline(releasedThroughMs, clock, pending.add(settings.sliceEnd(captureMs), arrivalMs),
                lastArrivalMs, nextExpiryMs, wakeAtMs);
    }

    /**
     * The camera's time starts again (its clock was set back): nothing released, nothing waiting, no track live, and
     * its clock measured afresh from the next frame.
     */
    public CameraTimeline restarted() {
        return new CameraTimeline(Long.MIN_VALUE, CameraClock.UNKNOWN, PendingSlices.NONE, lastArrivalMs, Long.MAX_VALUE,
                wakeAtMs);
    }

    /** What is due at {@code nowMs} (this machine's clock). */
    public Due due(long nowMs, long startedAtMs, TimelineSettings settings) {
        long target = releasedThroughMs;
        if (clockSince(startedAtMs)) {
            target = Math.max(target, CameraClock.saturatedAdd(clock.cameraTimeAt(nowMs), -settings.reorderMs()));
        }
        int byClock = pending.countThrough(target);
        int slices = byClock;
        for (int i = byClock; i < pending.size(); i++) {
            if (pending.firstArrival(i) <= nowMs - settings.maxWaitMs()) {
                slices = i + 1; // waited too long: it goes, and every earlier slice before it
            }
        }
        int waiting = 0;
        for (int i = slices; i < pending.size(); i++) {
            waiting += pending.frames(i);
        }
        while (waiting > settings.maxPendingFrames()) {
            waiting -= pending.frames(slices++);
        }
        int overBound = 0;
        for (int i = byClock; i < slices; i++) {
            overBound += pending.frames(i);
        }
        long released = slices > 0 ? Math.max(target, pending.end(slices - 1)) : target;
        return new Due(slices, released, overBound);
    }

    /** The timeline after {@code due} was released. */
    public CameraTimeline released(Due due) {
        return new CameraTimeline(Math.max(releasedThroughMs, due.releasedThroughMs()), clock, pending.dropFirst(due.slices()),
                lastArrivalMs, nextExpiryMs, wakeAtMs);
    }

    /** Every slice, now (the camera went idle, or its clock was set back). */
    public Due all() {
        long released = pending.isEmpty() ? releasedThroughMs : Math.max(releasedThroughMs, pending.end(pending.size() - 1));
        return new Due(pending.size(), released, 0);
    }

    public CameraTimeline withNextExpiry(long expiryMs) {
        return new CameraTimeline(releasedThroughMs, clock, pending, lastArrivalMs, expiryMs, wakeAtMs);
    }

    public CameraTimeline withWakeAt(long atMs) {
        return new CameraTimeline(releasedThroughMs, clock, pending, lastArrivalMs, nextExpiryMs, atMs);
    }

    /** Whether the camera has been silent for its idle time (counted from the job's start at the earliest). */
    public boolean idle(long nowMs, long startedAtMs, TimelineSettings settings) {
        return nowMs >= idleAt(startedAtMs, settings);
    }

    /** When the stage should next look at this camera: a slice due, a track to end, or the idle time reached. */
    public long nextWake(long startedAtMs, TimelineSettings settings) {
        long wake = idleAt(startedAtMs, settings);
        for (int i = 0; i < pending.size(); i++) {
            wake = Math.min(wake, CameraClock.saturatedAdd(pending.firstArrival(i), settings.maxWaitMs()));
        }
        if (clockSince(startedAtMs)) {
            if (!pending.isEmpty()) {
                wake = Math.min(wake, clock.processingTimeOf(CameraClock.saturatedAdd(pending.end(0), settings.reorderMs())));
            }
            if (nextExpiryMs != Long.MAX_VALUE) {
                wake = Math.min(wake, clock.processingTimeOf(CameraClock.saturatedAdd(nextExpiryMs, settings.reorderMs())));
            }
        }
        return wake;
    }

    private long idleAt(long startedAtMs, TimelineSettings settings) {
        return CameraClock.saturatedAdd(Math.max(lastArrivalMs, startedAtMs), settings.idleWindowMs());
    }

    /** Whether the clock was measured since the job last started (before that, offsets include the downtime). */
    private boolean clockSince(long startedAtMs) {
        return clock.known() && clock.lastArrivalMs() >= startedAtMs;
    }
}
