package io.facestream.track;

import java.io.Serializable;

/**
 * How a track's recognitions are weighed and when they name a person.
 *
 * @param minFaces       observations of the leading person needed before the track is named
 * @param fullFaceSizePx faces this size (shorter side) or larger get full weight for size
 * @param fullMargin     a lead over the second-best candidate of this much or more gets full weight for margin
 * @param maxCandidates  persons remembered per track; the weakest is dropped to make room
 */
public record VoteSettings(int minFaces, double fullFaceSizePx, double fullMargin, int maxCandidates)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public VoteSettings {
        if (minFaces < 1) {
            throw new IllegalArgumentException("minFaces must be >= 1, was " + minFaces);
        }
        if (!(fullFaceSizePx > 0) || Double.isInfinite(fullFaceSizePx)) {
            throw new IllegalArgumentException("fullFaceSizePx must be finite and > 0, was " + fullFaceSizePx);
        }
        if (!(fullMargin > 0) || Double.isInfinite(fullMargin)) {
            throw new IllegalArgumentException("fullMargin must be finite and > 0, was " + fullMargin);
        }
        if (maxCandidates < 1) {
            throw new IllegalArgumentException("maxCandidates must be >= 1, was " + maxCandidates);
        }
    }

    /**
     * Three faces, so a single frame never names anyone; 112 px, the recogniser's input side (a larger face adds
     * no detail after alignment); a margin of 0.1 in cosine similarity, a clear separation for ArcFace-like
     * embeddings; eight candidates, far more than a genuine track ever needs.
     */
    public static VoteSettings defaults() {
        return new VoteSettings(3, 112, 0.1, 8);
    }
}
