package io.facestream.detect;

import io.facestream.inference.InferenceOutputs;
import io.facestream.inference.InferenceSession;
import io.facestream.inference.InputBuffers;
import io.facestream.model.DetectorModel;
import io.facestream.model.ImagePreprocessor;
import io.facestream.model.InputSpec;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Letterbox (or the frame's own size), RetinaFace inference, decoding, NMS, mapping back to the original image, and
 * a second, closer look at small faces.
 */
public final class FaceDetector implements AutoCloseable {
    private final DetectorModel model;
    private final InferenceSession session;
    private final DetectorSettings settings;
    private final List<String> outputNames = new ArrayList<>();
    /** Anchors depend on the input's size: one decoder per size met (a camera's frames all have one). */
    private final Map<Long, RetinaFaceDecoder> decoders = new ConcurrentHashMap<>();
    /** The 4.9 MB input tensor is reused per analysis thread, direct, instead of allocated (and copied) per frame. */
    private final InputBuffers inputBuffers = new InputBuffers();

    public FaceDetector(DetectorModel model, InferenceSession session, DetectorSettings settings) {
        this.model = model;
        this.session = session;
        this.settings = settings;
        for (int stride : model.decoder().strides()) {
            outputNames.add(model.decoder().scoresOutput(stride));
            outputNames.add(model.decoder().boxesOutput(stride));
            outputNames.add(model.decoder().landmarksOutput(stride));
        }
    }

    /** Faces in a BGR image, best score first, in the image's own pixel coordinates. */
    public List<DetectedFace> detect(Mat bgr) {
        InputSpec input = model.input();
        Letterbox letterbox = Letterbox.fit(bgr.cols(), bgr.rows(), input.width(), input.height());
        int width = input.width();
        int height = input.height();
        if (settings.inputSize() == DetectorSettings.InputSize.FRAME) {
            width = roundUp(letterbox.resizedWidth(), model.sizeMultiple());
            height = roundUp(letterbox.resizedHeight(), model.sizeMultiple());
        }
        DetectorSettings.SecondLook secondLook = settings.secondLook();
        float firstThreshold = secondLook.on() ? Math.min(secondLook.threshold(), settings.scoreThreshold())
                : settings.scoreThreshold();
        List<DetectedFace> faces = new ArrayList<>();
        int looks = 0;
        for (DetectedFace face : pass(bgr, letterbox, width, height, firstThreshold)) {
            DetectedFace mapped = face.toImage(letterbox.scale(), bgr.cols(), bgr.rows());
            boolean small = Math.max(face.width(), face.height()) < secondLook.belowPx();
            if (small && looks < secondLook.maxFaces()) {
                looks++;
                DetectedFace closer = lookAgain(bgr, mapped);
                if (closer != null) {
                    faces.add(closer);
                    continue;
                }
            }
            if (face.score() >= settings.scoreThreshold()) {
                faces.add(mapped); // the first pass was sure; a second look that lost it does not overrule it
            }
        }
        List<DetectedFace> kept = new ArrayList<>();
        // Boxes moved by a second look may now overlap another face's.
        for (DetectedFace face : looks > 0 ? NonMaxSuppression.apply(faces, settings.nmsIou()) : faces) {
            if (Math.min(face.width(), face.height()) >= settings.minFaceSize()) {
                kept.add(face);
            }
        }
        return kept;
    }

    /**
     * The detector on a region around a small face, scaled so the face is about 64 pixels (where the model's anchors
     * find faces best): the face as found there, in image coordinates, or null when it scores below the threshold.
     */
    private DetectedFace lookAgain(Mat bgr, DetectedFace face) {
        int inputPx = DetectorSettings.SecondLook.inputPx();
        SecondLookRegion region = SecondLookRegion.around(face, inputPx);
        Mat cut = new Mat(region.side(), region.side(), CvType.CV_8UC3, new Scalar(0, 0, 0));
        Mat scaled = new Mat();
        try {
            int x1 = Math.max(0, region.x());
            int y1 = Math.max(0, region.y());
            int x2 = Math.min(bgr.cols(), region.x() + region.side());
            int y2 = Math.min(bgr.rows(), region.y() + region.side());
            if (x2 <= x1 || y2 <= y1) {
                return null;
            }
            Mat from = bgr.submat(new Rect(x1, y1, x2 - x1, y2 - y1));
            Mat to = cut.submat(new Rect(x1 - region.x(), y1 - region.y(), x2 - x1, y2 - y1));
            from.copyTo(to);
            // Views hold the frame's pixels until released: the finalizer would be too late.
            from.release();
            to.release();
            Imgproc.resize(cut, scaled, new Size(inputPx, inputPx), 0, 0,
                    region.scale() > 1 ? Imgproc.INTER_LINEAR : Imgproc.INTER_AREA);
            DetectedFace best = null;
            for (DetectedFace found : infer(scaled, inputPx, inputPx, settings.scoreThreshold())) {
                DetectedFace mapped = region.toImage(found, bgr.cols(), bgr.rows());
                if (SecondLookRegion.sameFace(face, mapped) && (best == null || mapped.score() > best.score())) {
                    best = mapped;
                }
            }
            return best;
        } finally {
            cut.release();
            scaled.release();
        }
    }

    /** The frame fitted into a {@code width} x {@code height} input: faces after NMS, in input coordinates. */
    private List<DetectedFace> pass(Mat bgr, Letterbox letterbox, int width, int height, float threshold) {
        Mat resized = new Mat();
        try {
            Imgproc.resize(bgr, resized, new Size(letterbox.resizedWidth(), letterbox.resizedHeight()), 0, 0,
                    Imgproc.INTER_LINEAR);
            return infer(resized, width, height, threshold);
        } finally {
            resized.release();
        }
    }

    /** {@code image} at the top-left of a {@code width} x {@code height} input, the rest padded: faces after NMS. */
    private List<DetectedFace> infer(Mat image, int width, int height, float threshold) {
        InputSpec input = model.input();
        InputSpec sized = width == input.width() && height == input.height() ? input : input.withSize(height, width);
        FloatBuffer tensor = inputBuffers.get(input.channels() * height * width);
        ImagePreprocessor.write(image, sized, tensor, 0);
        InferenceOutputs outputs = session.run(input.name(), tensor,
                new long[] {1, input.channels(), height, width}, outputNames);
        RetinaFaceDecoder decoder = decoders.computeIfAbsent((long) width << 32 | height,
                size -> new RetinaFaceDecoder(model.decoder(), (int) (size >>> 32), (int) (long) size));
        return NonMaxSuppression.apply(decoder.decode(outputs.values(), threshold), settings.nmsIou());
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    public DetectorSettings settings() {
        return settings;
    }

    public InferenceSession session() {
        return session;
    }

    @Override
    public void close() {
        session.close();
    }
}
