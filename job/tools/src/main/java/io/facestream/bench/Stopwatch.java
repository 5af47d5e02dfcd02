package io.facestream.bench;

import java.util.function.IntSupplier;

/** Runs work repeatedly for a time budget and reports units per second. */
final class Stopwatch {
    private Stopwatch() {
    }

    /** {@code step} does some work and returns how many units it did; warm-up runs are not counted. */
    static double perSecond(double seconds, int warmUps, IntSupplier step) {
        for (int i = 0; i < warmUps; i++) {
            step.getAsInt();
        }
        long units = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            units += step.getAsInt();
        }
        return units / ((System.nanoTime() - start) / 1e9);
    }

    static double round(double value, int decimals) {
        double factor = Math.pow(10, decimals);
        return Math.round(value * factor) / factor;
    }
}
