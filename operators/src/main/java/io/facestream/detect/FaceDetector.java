package io.facestream.detect;

import io.facestream.inference.InferenceOutputs;
import io.facestream.inference.InferenceSession;
import io.facestream.model.DetectorModel;
import io.facestream.model.ImagePreprocessor;
import io.facestream.model.InputSpec;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Letterbox, RetinaFace inference, decoding, NMS, and mapping back to the original image. */
public final class FaceDetector implements AutoCloseable {
    private final DetectorModel model;
    private final InferenceSession session;
    private final DetectorSettings settings;
    private final RetinaFaceDecoder decoder;
    private final List<String> outputNames = new ArrayList<>();
    /** The 4.9 MB input tensor is reused per analysis thread instead of allocated per frame. */
    private final ThreadLocal<FloatBuffer> inputBuffers;

    public FaceDetector(DetectorModel model, InferenceSession session, DetectorSettings settings) {
        this.model = model;
        this.session = session;
        this.settings = settings;
        InputSpec input = model.input();
        this.decoder = new RetinaFaceDecoder(model.decoder(), input.width(), input.height());
        this.inputBuffers = ThreadLocal.withInitial(
                () -> FloatBuffer.allocate(input.channels() * input.height() * input.width()));
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
        Mat resized = new Mat();
        try {
            Imgproc.resize(bgr, resized, new Size(letterbox.resizedWidth(), letterbox.resizedHeight()), 0, 0,
                    Imgproc.INTER_LINEAR);
            FloatBuffer tensor = inputBuffers.get();
            tensor.clear();
            ImagePreprocessor.write(resized, input, tensor, 0);
            InferenceOutputs outputs = session.run(input.name(), tensor,
                    new long[] {1, input.channels(), input.height(), input.width()}, outputNames);
            List<DetectedFace> candidates = decoder.decode(outputs.values(), settings.scoreThreshold());
            List<DetectedFace> faces = new ArrayList<>();
            for (DetectedFace face : NonMaxSuppression.apply(candidates, settings.nmsIou())) {
                DetectedFace mapped = face.toImage(letterbox.scale(), bgr.cols(), bgr.rows());
                if (Math.min(mapped.width(), mapped.height()) >= settings.minFaceSize()) {
                    faces.add(mapped);
                }
            }
            return faces;
        } finally {
            resized.release();
        }
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
