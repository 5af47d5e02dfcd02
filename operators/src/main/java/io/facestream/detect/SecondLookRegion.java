package io.facestream.detect;

/**
 * Where a small face's second look cuts the frame: a square {@code side} pixels wide at ({@code x}, {@code y}) of the
 * original image (it may reach past the image's edges, which are then padded black), centred on the face and
 * {@link DetectorSettings.SecondLook#REGION_FACES} faces wide, scaled by {@code scale} to the second look's input.
 */
public record SecondLookRegion(int x, int y, int side, float scale) {

    public static SecondLookRegion around(DetectedFace face, int inputPx) {
        float size = Math.max(1f, Math.max(face.width(), face.height()));
        int side = Math.max(1, Math.round(size * DetectorSettings.SecondLook.REGION_FACES));
        int x = Math.round((face.x1() + face.x2()) / 2 - side / 2f);
        int y = Math.round((face.y1() + face.y2()) / 2 - side / 2f);
        return new SecondLookRegion(x, y, side, inputPx / (float) side);
    }

    /** A face found in the second look's input, in the original image's coordinates. */
    public DetectedFace toImage(DetectedFace found, int imageWidth, int imageHeight) {
        return found.toImage(scale, x, y, imageWidth, imageHeight);
    }

    /**
     * Whether a face found in the second look is the one looked for: its centre lies within the first pass's box
     * (which, for a face too small to score well, may be loose).
     */
    public static boolean sameFace(DetectedFace firstPass, DetectedFace found) {
        float cx = (found.x1() + found.x2()) / 2;
        float cy = (found.y1() + found.y2()) / 2;
        return cx >= firstPass.x1() && cx <= firstPass.x2() && cy >= firstPass.y1() && cy <= firstPass.y2();
    }
}
