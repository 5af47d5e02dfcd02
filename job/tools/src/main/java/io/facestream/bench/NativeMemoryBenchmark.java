package io.facestream.bench;

import io.facestream.config.FaceStreamConfig;
import io.facestream.decode.ImageDecoder;
import io.facestream.decode.OpenCvLoader;
import io.facestream.pipeline.FacePipeline;
import io.facestream.stream.StreamSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * {@code --native-memory}: the memory OpenCV and ONNX Runtime take outside the Java heap in a TaskManager's analysis,
 * what its off-heap budget must hold. Measured as resident memory minus what the JVM has committed for its heap and
 * its own non-heap areas, sampled every 10 ms: once the models are open and warm, while the analysis threads work
 * through the sample frames, through the same frames at 1920x1080, and through transparent PNGs of the largest size
 * allowed (decode.max-pixels), which only the decode memory budget keeps from being held by every thread at once.
 */
final class NativeMemoryBenchmark {
    private final FaceStreamConfig config;
    private final PrintWriter err;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    NativeMemoryBenchmark(FaceStreamConfig config, PrintWriter err) {
        this.config = config;
        this.err = err;
    }

    /** Resident bytes of this process, from the kernel's count. */
    static long residentBytes() {
        try {
            String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(statm[1]) * 4096;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/statm (Linux only)", e);
        }
    }

    /** Resident memory not accounted for by the JVM's heap and non-heap areas: native libraries' allocations. */
    long outsideJvm() {
        return residentBytes() - memory.getHeapMemoryUsage().getCommitted() - memory.getNonHeapMemoryUsage().getCommitted();
    }

    /** How to run it: a heap resident in full from the start, so that what grows is native memory only. */
    static final String COMMAND = "FACESTREAM_JAVA_OPTS='-Xms2g -Xmx2g -XX:+AlwaysPreTouch' ./facestream bench --native-memory";

    Map<String, Object> run(List<byte[]> frames, int threads, double seconds) throws Exception {
        var hotspot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        if (!"true".equals(hotspot.getVMOption("AlwaysPreTouch").getValue())
                || memory.getHeapMemoryUsage().getCommitted() != memory.getHeapMemoryUsage().getMax()) {
            throw new IllegalArgumentException("--native-memory measures resident memory beside a heap that must not grow"
                    + " meanwhile; run it as: " + COMMAND);
        }
        OpenCvLoader.ensureLoaded();
        System.gc();
        long base = outsideJvm();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("native_threads", threads);
        String preload = System.getenv("LD_PRELOAD");
        summary.put("native_allocator", preload != null && preload.contains("jemalloc") ? "jemalloc" : "glibc");
        try (FacePipeline pipeline = FacePipeline.open(StreamSettings.from(config).pipeline())) {
            pipeline.warmUp();
            long models = outsideJvm() - base;
            summary.put("native_models_mb", mb(models));
            err.printf("bench: native memory, %d threads, sample frames%n", threads);
            summary.put("native_frames_peak_mb", mb(peakWhile(base, () -> analyse(pipeline, frames, threads, seconds))));
            List<byte[]> hd = resized(frames, new Size(1920, 1080), 40);
            err.printf("bench: native memory, %d threads, 1920x1080 frames%n", threads);
            summary.put("native_1080p_peak_mb", mb(peakWhile(base, () -> analyse(pipeline, hd, threads, seconds))));
            long pixels = config.get(io.facestream.config.FacePipelineOptions.DECODE_MAX_PIXELS);
            byte[] largest = largestTransparentPng(pixels);
            err.printf("bench: native memory, %d threads, transparent PNGs of %,d pixels%n", threads, pixels);
            summary.put("native_largest_frame_mb", mb(ImageDecoder.nativeBytes(pixels, true)));
            summary.put("native_largest_peak_mb", mb(peakWhile(base,
                    () -> analyse(pipeline, List.of(largest), threads, Math.max(seconds, 1)))));
        }
        System.gc();
        summary.put("native_after_close_mb", mb(outsideJvm() - base));
        summary.put("native_decode_budget_mb", mb(StreamSettings.from(config).pipeline().decodeLimits().maxBytesInFlight()));
        return summary;
    }

    /** The highest native memory above {@code base} while {@code work} runs. */
    private long peakWhile(long base, Work work) throws Exception {
        AtomicLong peak = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(outsideJvm() - base, Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "native-memory-sampler");
        sampler.start();
        try {
            work.run();
        } finally {
            sampling.set(false);
            sampler.join();
        }
        return peak.get();
    }

    private interface Work {
        void run() throws Exception;
    }

    private static void analyse(FacePipeline pipeline, List<byte[]> frames, int threads, double seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; System.nanoTime() < end; i += threads) {
                        pipeline.analyze(frames.get(i % frames.size()), true);
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<byte[]> resized(List<byte[]> frames, Size size, int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(count, frames.size()); i++) {
            Mat small = Imgcodecs.imdecode(new MatOfByte(frames.get(i)), Imgcodecs.IMREAD_COLOR);
            Mat large = new Mat();
            Imgproc.resize(small, large, size);
            MatOfByte jpeg = new MatOfByte();
            Imgcodecs.imencode(".jpg", large, jpeg, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 90));
            out.add(jpeg.toArray());
            small.release();
            large.release();
            jpeg.release();
        }
        return out;
    }

    /** A half-transparent PNG of {@code pixels} (4:3), quick to encode: one colour, compressed at level 1. */
    private static byte[] largestTransparentPng(long pixels) {
        int width = (int) Math.sqrt(pixels * 4.0 / 3.0);
        int height = (int) (pixels / width);
        Mat bgra = new Mat(height, width, CvType.CV_8UC4, new Scalar(90, 120, 150, 128));
        MatOfByte png = new MatOfByte();
        Imgcodecs.imencode(".png", bgra, png, new MatOfInt(Imgcodecs.IMWRITE_PNG_COMPRESSION, 1));
        byte[] bytes = png.toArray();
        bgra.release();
        png.release();
        return bytes;
    }

    private static double mb(long bytes) {
        return Math.round(bytes / 1e5) / 10.0;
    }
}
