package io.facestream.decode;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The native memory that images being decoded and analysed may hold at once, shared by every analysis thread of the
 * process: a thread reserves what its image will take before decoding it and gives it back when the image is
 * released, waiting meanwhile if others hold the rest. Without it, every thread could hold a largest-size image at
 * the same time, and the TaskManager's off-heap budget would have to be sized for that (deploy/README.md).
 */
public final class DecodeBudget {
    private static final ConcurrentHashMap<Long, DecodeBudget> SHARED = new ConcurrentHashMap<>();
    private static final long UNIT = 1024; // permits are KiB: an int counts up to 2 TiB

    private final long bytes;
    private final int totalKib;
    private final Semaphore kib;

    DecodeBudget(long bytes) {
        this.bytes = bytes;
        this.totalKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, bytes / UNIT));
        this.kib = new Semaphore(totalKib, true);
    }

    /** The one budget of this size in the process (each pipeline of a TaskManager shares it). */
    public static DecodeBudget shared(long bytes) {
        return SHARED.computeIfAbsent(bytes, DecodeBudget::new);
    }

    /** A reservation, given back by {@link Reservation#close()}. */
    public interface Reservation extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits until {@code wanted} bytes (at most the whole budget) are free and reserves them. */
    public Reservation reserve(long wanted) {
        int permits = (int) Math.max(1, Math.min(totalKib, (wanted + UNIT - 1) / UNIT));
        try {
            kib.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for decode memory", e);
        }
        boolean[] released = new boolean[1];
        return () -> {
            if (!released[0]) {
                released[0] = true;
                kib.release(permits);
            }
        };
    }

    public long bytes() {
        return bytes;
    }

    /** Bytes reserved now. */
    public long inUseBytes() {
        return (long) (totalKib - kib.availablePermits()) * UNIT;
    }
}
