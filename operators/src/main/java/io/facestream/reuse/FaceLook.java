package io.facestream.reuse;

import io.facestream.track.FaceBox;

/**
 * How a face looks in one frame, for deciding whether an earlier embedding of it still stands for it.
 *
 * @param box       where it is
 * @param sizePx    the shorter side of its box
 * @param frontal   1 for a face looking at the camera, towards 0 as it turns away (from the landmarks)
 * @param sharpness the variance of the Laplacian of the aligned crop: higher is sharper
 * @param thumbnail the aligned crop, tiny, grey, zero-mean and unit-length: two of them are compared by dot product
 */
public record FaceLook(FaceBox box, double sizePx, double frontal, double sharpness, float[] thumbnail) {

    public double resemblance(FaceLook other) {
        if (thumbnail.length != other.thumbnail.length) {
            return -1;
        }
        double dot = 0;
        for (int i = 0; i < thumbnail.length; i++) {
            dot += thumbnail[i] * other.thumbnail[i];
        }
        return dot;
    }
}
