package io.facestream.decode;

import java.io.Serializable;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Bytes to an 8-bit BGR image. The header is checked against the limits before OpenCV sees
 * the data; grayscale and CMYK come out as BGR, transparent PNG/WebP pixels are composed
 * over white, and EXIF orientation is applied for JPEG.
 */
public final class ImageDecoder implements Serializable {
    private final DecodeLimits limits;

    public ImageDecoder(DecodeLimits limits) {
        this.limits = limits;
    }

    /** Reads and checks the header only: cheap, and safe on hostile input. */
    public ImageHeader check(byte[] data) {
        if (data != null && data.length > limits.maxBytes()) {
            throw new ImageRefusedException("image of " + data.length + " bytes exceeds decode.max-bytes=" + limits.maxBytes());
        }
        ImageHeader header = ImageHeaderReader.read(data);
        if (header.width() <= 0 || header.height() <= 0) {
            throw new ImageRefusedException(header.format() + " header declares an empty image "
                    + header.width() + "x" + header.height());
        }
        if (header.pixels() > limits.maxPixels()) {
            throw new ImageRefusedException(header.format() + " header declares " + header.width() + "x" + header.height()
                    + " = " + header.pixels() + " pixels, above decode.max-pixels=" + limits.maxPixels());
        }
        return header;
    }

    /** Decodes to a new 8-bit, 3-channel BGR Mat owned by the caller (release it). */
    public Mat decode(byte[] data) {
        ImageHeader header = check(data);
        OpenCvLoader.ensureLoaded();
        // UNCHANGED keeps alpha (to compose it properly) but ignores EXIF orientation, which only JPEG carries.
        int flags = header.hasAlpha() ? Imgcodecs.IMREAD_UNCHANGED : Imgcodecs.IMREAD_COLOR;
        MatOfByte encoded = new MatOfByte(data);
        Mat image;
        try {
            image = Imgcodecs.imdecode(encoded, flags);
        } catch (RuntimeException e) {
            throw new ImageRefusedException("cannot decode " + header.format() + ": " + e.getMessage());
        } finally {
            encoded.release();
        }
        if (image == null || image.empty()) {
            throw new ImageRefusedException("cannot decode " + header.format() + " image of " + data.length + " bytes"
                    + " (corrupt data or an unsupported variant)");
        }
        if (image.cols() != header.width() || image.rows() != header.height()) {
            boolean rotated = image.cols() == header.height() && image.rows() == header.width();
            if (!rotated) { // EXIF orientation may swap the sides; anything else means the header lied
                image.release();
                throw new ImageRefusedException("decoded size " + image.cols() + "x" + image.rows()
                        + " differs from the header's " + header.width() + "x" + header.height());
            }
        }
        return toBgr8(image);
    }

    private static Mat toBgr8(Mat image) {
        Mat current = image;
        if (current.depth() != CvType.CV_8U) {
            Mat eight = new Mat();
            double scale = current.depth() == CvType.CV_16U ? 1.0 / 257.0 : 1.0;
            current.convertTo(eight, CvType.CV_8U, scale);
            current.release();
            current = eight;
        }
        int channels = current.channels();
        if (channels == 3) {
            return current;
        }
        Mat bgr = new Mat();
        if (channels == 1) {
            Imgproc.cvtColor(current, bgr, Imgproc.COLOR_GRAY2BGR);
        } else if (channels == 4) {
            composeOverWhite(current, bgr);
        } else {
            current.release();
            throw new ImageRefusedException("unsupported number of channels: " + channels);
        }
        current.release();
        return bgr;
    }

    /** out = colour * alpha + white * (1 - alpha), so transparent areas do not turn into black shapes. */
    private static void composeOverWhite(Mat bgra, Mat out) {
        java.util.List<Mat> planes = new java.util.ArrayList<>();
        Core.split(bgra, planes);
        Mat alpha = new Mat();
        planes.get(3).convertTo(alpha, CvType.CV_32F, 1.0 / 255.0);
        Mat inverse = new Mat();
        Core.subtract(Mat.ones(alpha.size(), CvType.CV_32F), alpha, inverse);
        java.util.List<Mat> composed = new java.util.ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Mat plane = new Mat();
            planes.get(c).convertTo(plane, CvType.CV_32F);
            Core.multiply(plane, alpha, plane);
            Mat white = new Mat();
            Core.multiply(inverse, new Scalar(255.0), white);
            Core.add(plane, white, plane);
            Mat plane8 = new Mat();
            plane.convertTo(plane8, CvType.CV_8U);
            composed.add(plane8);
            plane.release();
            white.release();
        }
        Core.merge(composed, out);
        planes.forEach(Mat::release);
        composed.forEach(Mat::release);
        alpha.release();
        inverse.release();
    }
}
