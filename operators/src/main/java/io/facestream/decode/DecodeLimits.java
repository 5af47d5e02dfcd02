package io.facestream.decode;

import java.io.Serializable;

/**
 * Upper bounds checked before decoding, so a hostile header cannot make us allocate gigabytes: pixels and encoded
 * bytes per image, and the native memory all images being decoded and analysed in this process may hold at once
 * ({@code maxBytesInFlight}, at least what one image of {@code maxPixels} takes).
 */
public record DecodeLimits(long maxPixels, long maxBytes, long maxBytesInFlight) implements Serializable {

    /** Two 8-bit images of the largest size at once (or one with 16 bits a sample). */
    public static final DecodeLimits DEFAULT = new DecodeLimits(40_000_000L, 32L * 1024 * 1024,
            2 * ImageDecoder.nativeBytes(40_000_000L, true));

    public DecodeLimits {
        if (maxPixels <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("decode limits must be positive: " + maxPixels + " pixels, " + maxBytes + " bytes");
        }
        if (maxBytesInFlight < ImageDecoder.largestNativeBytes(maxPixels)) {
            throw new IllegalArgumentException("decode memory of " + maxBytesInFlight / (1024 * 1024) + " MiB cannot hold one"
                    + " image of " + maxPixels + " pixels (" + ImageDecoder.largestNativeBytes(maxPixels) / (1024 * 1024)
                    + " MiB with 16 bits a sample and alpha): raise the memory or lower the pixels");
        }
    }

    /** Pixel and byte bounds, with room for two images of the largest size at once. */
    public DecodeLimits(long maxPixels, long maxBytes) {
        this(maxPixels, maxBytes, 2 * ImageDecoder.nativeBytes(Math.max(1, maxPixels), true));
    }
}
