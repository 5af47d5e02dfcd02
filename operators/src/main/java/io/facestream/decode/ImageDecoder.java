package io.facestream.decode;

import java.io.Serializable;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Bytes to an 8-bit BGR image. The header is checked against the limits before OpenCV sees
 * the data; grayscale and CMYK come out as BGR, transparent PNG/WebP pixels are composed
 * over white, and EXIF orientation is applied for JPEG.
 */
public final class ImageDecoder implements Serializable {
    /** Rows of a transparent image composed at a time. */
    static final int STRIP_ROWS = 64;
    private final DecodeLimits limits;

    public ImageDecoder(DecodeLimits limits) {
        this.limits = limits;
    }

    /**
     * Native memory an image of this many pixels takes while decoded and analysed: the decoded pixels (four bytes
     * with alpha) and the 8-bit BGR image the analysis reads (a composed strip's temporaries are negligible). A 16-bit
     * image takes twice the decoded part for a moment, while it is scaled down.
     */
    public static long nativeBytes(long pixels, boolean alpha) {
        return pixels * ((alpha ? 4 : 3) + 3);
    }

    /**
     * What this image takes at most: PNG and TIFF may carry 16 bits a sample, decoded to twice the bytes and scaled
     * to 8 bits beside them (12 bytes a pixel with alpha, 9 without), which their headers as read here do not say.
     */
    public static long nativeBytes(ImageHeader header) {
        boolean mayBeDeep = header.format() == ImageFormat.PNG || header.format() == ImageFormat.TIFF;
        return mayBeDeep ? header.pixels() * 3L * (header.hasAlpha() ? 4 : 3) : nativeBytes(header.pixels(), header.hasAlpha());
    }

    /** The most any image of this many pixels takes: a 16-bit one with alpha. */
    public static long largestNativeBytes(long pixels) {
        return pixels * 12;
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
        try {
            if (current.depth() != CvType.CV_8U) {
                Mat eight = new Mat();
                double scale = current.depth() == CvType.CV_16U ? 1.0 / 257.0 : 1.0;
                try {
                    current.convertTo(eight, CvType.CV_8U, scale);
                } catch (RuntimeException e) {
                    eight.release();
                    throw e;
                }
                current.release();
                current = eight;
            }
            switch (current.channels()) {
                case 3:
                    Mat same = current;
                    current = null; // the caller's now
                    return same;
                case 1:
                    Mat bgr = new Mat();
                    try {
                        Imgproc.cvtColor(current, bgr, Imgproc.COLOR_GRAY2BGR);
                    } catch (RuntimeException e) {
                        bgr.release();
                        throw e;
                    }
                    return bgr;
                case 4:
                    return composeOverWhite(current);
                default:
                    throw new ImageRefusedException("unsupported number of channels: " + current.channels());
            }
        } finally {
            if (current != null) {
                current.release();
            }
        }
    }

    /**
     * out = white - (white - colour) * alpha, so transparent areas do not turn into black shapes. Composed a strip of
     * rows at a time in 8-bit arithmetic: besides the decoded image and the result, only a strip's temporaries exist
     * (a whole-image float version once took seven times the decoded image's memory).
     */
    static Mat composeOverWhite(Mat bgra) {
        Mat out = new Mat(bgra.rows(), bgra.cols(), CvType.CV_8UC3);
        Mat inverse = new Mat();
        Mat alpha = new Mat();
        Mat alpha3 = new Mat();
        try {
            for (int top = 0; top < bgra.rows(); top += STRIP_ROWS) {
                int bottom = Math.min(bgra.rows(), top + STRIP_ROWS);
                Mat in = bgra.rowRange(top, bottom);
                Mat composed = out.rowRange(top, bottom); // a view: written in place
                try {
                    Imgproc.cvtColor(in, inverse, Imgproc.COLOR_BGRA2BGR);
                    Core.bitwise_not(inverse, inverse);
                    Core.extractChannel(in, alpha, 3);
                    Imgproc.cvtColor(alpha, alpha3, Imgproc.COLOR_GRAY2BGR);
                    Core.multiply(inverse, alpha3, composed, 1.0 / 255.0);
                    Core.bitwise_not(composed, composed);
                } finally {
                    in.release();
                    composed.release();
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            inverse.release();
            alpha.release();
            alpha3.release();
        }
    }
}
