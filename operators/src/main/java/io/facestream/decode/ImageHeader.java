package io.facestream.decode;

/** What an encoded image declares about itself before any pixel is decoded. */
public record ImageHeader(ImageFormat format, long width, long height, int channels, boolean hasAlpha) {

    public long pixels() {
        return width * height;
    }
}
