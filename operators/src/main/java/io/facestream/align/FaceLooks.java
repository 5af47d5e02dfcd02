package io.facestream.align;

import io.facestream.detect.DetectedFace;
import io.facestream.reuse.FaceLook;
import io.facestream.track.FaceBox;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Measures how a face looks from its aligned crop and landmarks: cheap (tens of microseconds against milliseconds
 * for an embedding), so every face can be measured and only the changed ones embedded.
 */
public final class FaceLooks {
    /** Thumbnail side: coarse enough to ignore noise and a pixel of jitter, fine enough to tell two people apart. */
    static final int THUMBNAIL_SIDE = 16;

    private FaceLooks() {
    }

    public static FaceLook of(Mat alignedBgr, DetectedFace face) {
        Mat gray = new Mat();
        Mat laplacian = new Mat();
        Mat small = new Mat();
        try {
            Imgproc.cvtColor(alignedBgr, gray, Imgproc.COLOR_BGR2GRAY);
            Imgproc.Laplacian(gray, laplacian, CvType.CV_32F);
            MatOfDouble mean = new MatOfDouble();
            MatOfDouble std = new MatOfDouble();
            Core.meanStdDev(laplacian, mean, std);
            double sharpness = std.toArray()[0] * std.toArray()[0];
            Imgproc.resize(gray, small, new Size(THUMBNAIL_SIDE, THUMBNAIL_SIDE), 0, 0, Imgproc.INTER_AREA);
            FaceBox box = new FaceBox(face.x1(), face.y1(), Math.max(face.x1(), face.x2()), Math.max(face.y1(), face.y2()));
            return new FaceLook(box, Math.min(face.width(), face.height()), frontal(face.landmarks()), sharpness,
                    thumbnail(small));
        } finally {
            gray.release();
            laplacian.release();
            small.release();
        }
    }

    /** 1 when the nose sits midway between the eyes, falling to 0 as it reaches half the eye distance aside. */
    static double frontal(float[] landmarks) {
        double eyeDistance = Math.hypot(landmarks[2] - landmarks[0], landmarks[3] - landmarks[1]);
        if (!(eyeDistance > 0)) {
            return 0;
        }
        double noseOffset = Math.abs(landmarks[4] - (landmarks[0] + landmarks[2]) / 2);
        return Math.max(0, 1 - 2 * noseOffset / eyeDistance);
    }

    private static float[] thumbnail(Mat small) {
        byte[] pixels = new byte[THUMBNAIL_SIDE * THUMBNAIL_SIDE];
        small.get(0, 0, pixels);
        float[] values = new float[pixels.length];
        double mean = 0;
        for (int i = 0; i < pixels.length; i++) {
            values[i] = pixels[i] & 0xff;
            mean += values[i];
        }
        mean /= values.length;
        double norm = 0;
        for (int i = 0; i < values.length; i++) {
            values[i] -= (float) mean;
            norm += values[i] * values[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < values.length; i++) {
            values[i] = norm > 0 ? (float) (values[i] / norm) : 0;
        }
        return values;
    }
}
