package io.facestream.ingest;

import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Video files, RTSP/HTTP streams and webcams (/dev/videoN) through FFmpeg (JavaCV), since the
 * OpenCV jar is built without FFmpeg.
 */
final class VideoSource implements FrameSource {
    private final FFmpegFrameGrabber grabber;
    private final FrameEncoder encoder;
    private final double fps;
    private long lastSlot = -1;

    VideoSource(String source, FrameOptions options) {
        this.encoder = new FrameEncoder(options);
        this.fps = options.fps();
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
        grabber = new FFmpegFrameGrabber(source);
        if (source.startsWith("/dev/video")) {
            grabber.setFormat("video4linux2");
        }
        if (source.startsWith("rtsp://")) {
            grabber.setOption("rtsp_transport", "tcp");
        }
        grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        try {
            grabber.start();
        } catch (FFmpegFrameGrabber.Exception e) {
            throw new IllegalArgumentException("cannot open video " + source + ": " + e.getMessage(), e);
        }
    }

    @Override
    public EncodedFrame next() {
        try {
            for (Frame frame; (frame = grabber.grabImage()) != null; ) {
                double seconds = frame.timestamp / 1_000_000.0;
                if (fps > 0) {
                    long slot = (long) Math.floor(seconds * fps);
                    if (slot == lastSlot) {
                        continue; // keeps at most fps frames per second of video
                    }
                    lastSlot = slot;
                }
                Mat bgr = toMat(frame);
                try {
                    return encoder.encode(bgr, seconds);
                } finally {
                    bgr.release();
                }
            }
            return null;
        } catch (FFmpegFrameGrabber.Exception e) {
            throw new IllegalStateException("reading video failed: " + e.getMessage(), e);
        }
    }

    private static Mat toMat(Frame frame) {
        int width = frame.imageWidth;
        int height = frame.imageHeight;
        int stride = frame.imageStride; // bytes per row for 8-bit packed BGR
        ByteBuffer buffer = (ByteBuffer) frame.image[0];
        Mat mat = new Mat(height, width, CvType.CV_8UC3);
        byte[] row = new byte[width * 3];
        for (int y = 0; y < height; y++) {
            buffer.position(y * stride);
            buffer.get(row);
            mat.put(y, 0, row);
        }
        return mat;
    }

    @Override
    public double sourceFps() {
        double rate = grabber.getFrameRate();
        return fps > 0 && rate > 0 ? Math.min(fps, rate) : rate;
    }

    @Override
    public void close() {
        try {
            grabber.close();
        } catch (org.bytedeco.javacv.FrameGrabber.Exception e) {
            // closing a grabber that failed mid-stream: nothing left to release
        }
    }
}
