package io.facestream.track;

import java.util.Arrays;

/**
 * The slices of a camera's time that have frames waiting to be tracked, in time order: each slice's end (the last
 * millisecond it covers), when its first frame arrived (processing time) and how many frames it holds. The frames
 * themselves wait in state under their slice, so releasing a slice reads that slice and nothing else. Immutable.
 */
public record PendingSlices(long[] ends, long[] firstArrivals, int[] frames) {
    public static final PendingSlices NONE = new PendingSlices(new long[0], new long[0], new int[0]);

    public PendingSlices {
        if (ends.length != firstArrivals.length || ends.length != frames.length) {
            throw new IllegalArgumentException("slices, arrivals and frame counts differ in length");
        }
    }

    /** One more frame in the slice ending at {@code end}, which arrived at {@code arrivalMs}. */
    public PendingSlices add(long end, long arrivalMs) {
        int at = Arrays.binarySearch(ends, end);
        if (at >= 0) {
            int[] counts = frames.clone();
            counts[at]++;
            return new PendingSlices(ends, firstArrivals, counts);
        }
        int insert = -at - 1;
        return new PendingSlices(inserted(ends, insert, end), inserted(firstArrivals, insert, arrivalMs),
                inserted(frames, insert, 1));
    }

    public boolean isEmpty() {
        return ends.length == 0;
    }

    public int size() {
        return ends.length;
    }

    public long end(int slice) {
        return ends[slice];
    }

    public long firstArrival(int slice) {
        return firstArrivals[slice];
    }

    public int frames(int slice) {
        return frames[slice];
    }

    /** Frames waiting, in all slices. */
    public int frameCount() {
        int count = 0;
        for (int f : frames) {
            count += f;
        }
        return count;
    }

    /** How many slices end at or before {@code end}: they come first. */
    public int countThrough(long end) {
        int at = Arrays.binarySearch(ends, end);
        return at >= 0 ? at + 1 : -at - 1;
    }

    /** The slices after the first {@code count}. */
    public PendingSlices dropFirst(int count) {
        if (count == 0) {
            return this;
        }
        return new PendingSlices(Arrays.copyOfRange(ends, count, ends.length),
                Arrays.copyOfRange(firstArrivals, count, firstArrivals.length), Arrays.copyOfRange(frames, count, frames.length));
    }

    private static long[] inserted(long[] values, int at, long value) {
        long[] out = new long[values.length + 1];
        System.arraycopy(values, 0, out, 0, at);
        out[at] = value;
        System.arraycopy(values, at, out, at + 1, values.length - at);
        return out;
    }

    private static int[] inserted(int[] values, int at, int value) {
        int[] out = new int[values.length + 1];
        System.arraycopy(values, 0, out, 0, at);
        out[at] = value;
        System.arraycopy(values, at, out, at + 1, values.length - at);
        return out;
    }
}
