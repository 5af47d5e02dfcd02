package io.facestream.track;

/**
 * How far one camera's clock is behind this machine's: the least {@code arrival - capture} of its recent frames (a
 * frame can be delayed on its way here, never sped up, so the least delay is the clock's offset plus the quickest way
 * through). The least is taken over the current window and the one before it, so the estimate follows a camera whose
 * clock is set back or whose frames are slowed within one to two windows, and one fast frame is forgotten as soon.
 *
 * <p>With it a camera's own time can be read off this machine's clock ({@link #cameraTimeAt}) while the camera sends
 * nothing, and a moment of the camera's time can be waited for with a processing-time timer
 * ({@link #processingTimeOf}): each camera is on its own clock, and no camera's clock can hold back another's.
 *
 * @param windowStartMs  processing time at which the current window began; {@link Long#MIN_VALUE} before any frame
 * @param windowLeastMs  least offset seen in the current window
 * @param earlierLeastMs least offset seen in the window before ({@link Long#MAX_VALUE}: none)
 * @param lastArrivalMs  processing time of the latest frame observed
 */
public record CameraClock(long windowStartMs, long windowLeastMs, long earlierLeastMs, long lastArrivalMs) {
    public static final CameraClock UNKNOWN = new CameraClock(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE);

    /** The clock after a frame captured at {@code captureMs} (camera time) arrived at {@code arrivalMs} (this machine's). */
    public CameraClock observe(long captureMs, long arrivalMs, long windowMs) {
        long offset = arrivalMs - captureMs;
        if (!known() || arrivalMs < windowStartMs) {
            return new CameraClock(arrivalMs, offset, Long.MAX_VALUE, arrivalMs);
        }
        if (arrivalMs - windowStartMs >= windowMs) {
            long earlier = arrivalMs - windowStartMs < 2 * windowMs ? windowLeastMs : Long.MAX_VALUE;
            return new CameraClock(arrivalMs, offset, earlier, arrivalMs);
        }
        return new CameraClock(windowStartMs, Math.min(windowLeastMs, offset), earlierLeastMs,
                Math.max(lastArrivalMs, arrivalMs));
    }

    /** Whether any frame was observed. */
    public boolean known() {
        return windowStartMs != Long.MIN_VALUE;
    }

    /** This machine's time minus the camera's (positive: the camera is behind); 0 before any frame. */
    public long offsetMs() {
        return known() ? Math.min(windowLeastMs, earlierLeastMs) : 0;
    }

    /** The camera's time when this machine's clock reads {@code processingMs}. */
    public long cameraTimeAt(long processingMs) {
        return saturatedAdd(processingMs, -offsetMs());
    }

    /** This machine's time when the camera's clock reads {@code cameraMs}. */
    public long processingTimeOf(long cameraMs) {
        return saturatedAdd(cameraMs, offsetMs());
    }

    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        // Overflow only when both have the same sign and the sum's sign differs.
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }
}
