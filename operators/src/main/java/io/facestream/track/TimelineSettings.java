package io.facestream.track;

import java.io.Serializable;

/**
 * How a camera's frames are put in order by its own clock ({@link CameraTimeline}).
 *
 * @param reorderMs        how long, by the camera's clock, a frame waits for the camera's earlier frames (analysis
 *                         finishes a camera's frames out of order); later than that it is tracked at once
 * @param sliceMs          frames are released by slices of the camera's time this long, one timer per slice
 * @param maxPendingFrames the most frames a camera may have waiting; beyond, its oldest slices are released at once
 * @param maxWaitMs        the longest a frame waits, by this machine's clock, whatever the camera's clock says
 * @param clockWindowMs    the window over which a camera's clock offset is measured ({@link CameraClock})
 * @param clockResetMs     a frame this much earlier than what its camera has already had tracked means the camera's
 *                         clock was set back: its tracks close and its time starts again from that frame
 * @param idleCloseMs      a camera silent this long (this machine's clock) has its tracks closed and its state dropped;
 *                         0 closes tracks by the camera's clock only (state is then dropped after {@link #CLEANUP_MS})
 */
public record TimelineSettings(long reorderMs, long sliceMs, int maxPendingFrames, long maxWaitMs, long clockWindowMs,
        long clockResetMs, long idleCloseMs) implements Serializable {
    /** When idle closing is off, a silent camera without live tracks still leaves no state behind after this long. */
    public static final long CLEANUP_MS = 600_000;

    public TimelineSettings {
        if (reorderMs < 0 || sliceMs < 1 || maxPendingFrames < 1 || maxWaitMs < 0 || clockWindowMs < 1 || clockResetMs < 1
                || idleCloseMs < 0) {
            throw new IllegalArgumentException("invalid timeline settings: " + reorderMs + ", " + sliceMs + ", "
                    + maxPendingFrames + ", " + maxWaitMs + ", " + clockWindowMs + ", " + clockResetMs + ", " + idleCloseMs);
        }
    }

    /**
     * The job's settings: slices of 200 ms, a clock measured over 10 s windows, and no frame waiting longer than twice
     * the reorder time plus a slice (it normally waits about the reorder time).
     */
    public static TimelineSettings of(long reorderMs, int maxPendingFrames, long clockResetMs, long idleCloseMs) {
        long slice = 200;
        return new TimelineSettings(reorderMs, slice, maxPendingFrames, 2 * reorderMs + slice, 10_000, clockResetMs,
                idleCloseMs);
    }

    /** The last millisecond of the slice {@code captureMs} falls in. */
    public long sliceEnd(long captureMs) {
        return Math.floorDiv(captureMs, sliceMs) * sliceMs + sliceMs - 1;
    }

    long idleWindowMs() {
        return idleCloseMs > 0 ? idleCloseMs : CLEANUP_MS;
    }
}
