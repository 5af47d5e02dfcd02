package io.facestream.align;

import io.facestream.detect.DetectedFace;
import io.facestream.model.RecognizerModel;
import java.io.Serializable;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Warps a face onto the recognizer's five-point template (e.g. ArcFace's 112x112). */
public final class FaceAligner implements Serializable {
    private final float[] template;
    private final int width;
    private final int height;
    private final int smoothBelowPx;
    /** Gaussian sigma in crop pixels: 1 helped most of 1, 1.5 and 2 (2 already blurs faces away). */
    static final double SMOOTH_SIGMA = 1.0;

    public FaceAligner(RecognizerModel recognizer) {
        this(recognizer, 0);
    }

    /** Crops of faces narrower than {@code smoothBelowPx} (pixels of the frame) are smoothed; 0: none. */
    public FaceAligner(RecognizerModel recognizer, int smoothBelowPx) {
        this.smoothBelowPx = smoothBelowPx;
        float[][] points = recognizer.alignmentTemplate();
        this.template = new float[points.length * 2];
        for (int i = 0; i < points.length; i++) {
            template[2 * i] = points[i][0];
            template[2 * i + 1] = points[i][1];
        }
        this.width = recognizer.cropWidth();
        this.height = recognizer.cropHeight();
    }

    public SimilarityTransform transformFor(DetectedFace face) {
        return SimilarityTransform.estimate(face.landmarks(), template);
    }

    /** A new BGR crop of the recognizer's input size (release it). */
    public Mat align(Mat bgr, DetectedFace face) {
        double[] m = transformFor(face).matrix();
        Mat matrix = new Mat(2, 3, CvType.CV_64F);
        matrix.put(0, 0, m);
        Mat crop = new Mat();
        Imgproc.warpAffine(bgr, crop, matrix, new Size(width, height), Imgproc.INTER_LINEAR, Core.BORDER_CONSTANT,
                new Scalar(0, 0, 0));
        if (face.width() < smoothBelowPx) {
            // A face a few dozen pixels wide is blown up four times or more: a compressed frame's 8x8 blocks become
            // hard edges the recognizer reads as features. A slight blur takes them off (BENCHMARKS.md: Small faces).
            Imgproc.GaussianBlur(crop, crop, new Size(0, 0), SMOOTH_SIGMA);
        }
        matrix.release();
        return crop;
    }
}
