package io.facestream.detect;

/**
 * Fits an image into the detector input keeping its aspect ratio: scaled so it fits both
 * sides, placed at the top-left, the rest padded.
 */
public record Letterbox(float scale, int resizedWidth, int resizedHeight) {

    public static Letterbox fit(int imageWidth, int imageHeight, int inputWidth, int inputHeight) {
        if (imageWidth <= 0 || imageHeight <= 0) {
            throw new IllegalArgumentException("empty image " + imageWidth + "x" + imageHeight);
        }
        float scale = Math.min((float) inputWidth / imageWidth, (float) inputHeight / imageHeight);
        int width = Math.max(1, Math.min(inputWidth, Math.round(imageWidth * scale)));
        int height = Math.max(1, Math.min(inputHeight, Math.round(imageHeight * scale)));
        return new Letterbox(scale, width, height);
    }
}
