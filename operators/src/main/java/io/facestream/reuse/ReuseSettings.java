package io.facestream.reuse;

import java.io.Serializable;

/**
 * When a face's earlier embedding may stand in for a new one ({@link RecentFaces}).
 *
 * @param reembedEveryFrames a face is embedded again at least every this many frames; 1 embeds every face of every
 *                           frame (reuse off)
 * @param minResemblance     least dot product between the face's thumbnail now and when it was embedded: below it
 *                           the face changed (turned, lit differently, or is someone else) and is embedded again
 * @param maxGapMs           an embedding older than this (event time since the face was last seen) is not reused
 */
public record ReuseSettings(int reembedEveryFrames, double minResemblance, long maxGapMs) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Overlap with the remembered box for a face to be "the same face": a face moves little between frames. */
    static final double MIN_IOU = 0.5;
    /** Improvements that make a new embedding worthwhile: a face 20% larger, notably more frontal, or sharper. */
    static final double SIZE_GAIN = 1.2;
    static final double FRONTAL_GAIN = 0.15;
    static final double SHARPNESS_GAIN = 1.5;

    public ReuseSettings {
        if (reembedEveryFrames < 1) {
            throw new IllegalArgumentException("reembedEveryFrames must be >= 1, was " + reembedEveryFrames);
        }
        if (!(minResemblance >= -1 && minResemblance <= 1)) {
            throw new IllegalArgumentException("minResemblance must be between -1 and 1, was " + minResemblance);
        }
        if (maxGapMs < 0) {
            throw new IllegalArgumentException("maxGapMs must be >= 0, was " + maxGapMs);
        }
    }

    public boolean enabled() {
        return reembedEveryFrames > 1;
    }

    public static ReuseSettings off() {
        return new ReuseSettings(1, 1, 0);
    }
}
