package io.facestream.ingest;

import io.facestream.decode.OpenCvLoader;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** Resizes a BGR frame to the wanted width and encodes it as JPEG. */
final class FrameEncoder {
    private final FrameOptions options;

    FrameEncoder(FrameOptions options) {
        OpenCvLoader.ensureLoaded();
        this.options = options;
    }

    EncodedFrame encode(Mat bgr, double seconds) {
        Mat output = bgr;
        if (options.maxWidth() > 0 && bgr.cols() > options.maxWidth()) {
            output = new Mat();
            double scale = (double) options.maxWidth() / bgr.cols();
            Imgproc.resize(bgr, output, new Size(options.maxWidth(), Math.max(1, Math.round(bgr.rows() * scale))), 0, 0,
                    Imgproc.INTER_AREA);
        }
        MatOfByte jpeg = new MatOfByte();
        try {
            Imgcodecs.imencode(".jpg", output, jpeg, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, options.jpegQuality()));
            return new EncodedFrame(jpeg.toArray(), output.cols(), output.rows(), seconds);
        } finally {
            jpeg.release();
            if (output != bgr) {
                output.release();
            }
        }
    }
}
