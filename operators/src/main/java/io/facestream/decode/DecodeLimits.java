package io.facestream.decode;

import java.io.Serializable;

/** Upper bounds checked before decoding, so a hostile header cannot make us allocate gigabytes. */
public record DecodeLimits(long maxPixels, long maxBytes) implements Serializable {

    public static final DecodeLimits DEFAULT = new DecodeLimits(40_000_000L, 32L * 1024 * 1024);

    public DecodeLimits {
        if (maxPixels <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("decode limits must be positive: " + maxPixels + " pixels, " + maxBytes + " bytes");
        }
    }
}
