package io.facestream.cli;

import io.facestream.ingest.EncodedFrame;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.ingest.FrameOptions;
import io.facestream.ingest.FrameSource;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code facestream produce}: pushes a camera's frames to the frames topic. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Pushes frames from a video file, an RTSP/HTTP stream, a webcam (/dev/videoN) or a directory "
                + "of images to the frames topic as one camera.")
class ProduceCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--camera", required = true, paramLabel = "ID", description = "Camera id (the record key).")
    String camera;

    @Option(names = "--topic", defaultValue = "frames", description = "Frames topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--fps", defaultValue = "0", description = "Frames per second of source time to send; 0 = every frame.")
    double fps;

    @Option(names = "--fast", description = "Send as fast as possible instead of in real time.")
    boolean fast;

    @Option(names = "--max-width", defaultValue = "0", description = "Scale frames down to at most this width; 0 = as is.")
    int maxWidth;

    @Option(names = "--jpeg-quality", defaultValue = "90", description = "JPEG quality 1..100 (default: ${DEFAULT-VALUE}).")
    int jpegQuality;

    @Option(names = "--max-frames", defaultValue = "0", description = "Stop after this many frames; 0 = the whole source.")
    long maxFrames;

    @Option(names = "--loop", description = "Start the source again at its end (files and directories).")
    boolean loop;

    @Parameters(paramLabel = "SOURCE", description = "Video file, rtsp:// or http(s):// URL, /dev/videoN, or a directory of images.")
    String source;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        FrameOptions options = new FrameOptions(fps, maxWidth, jpegQuality);
        PrintWriter err = spec.commandLine().getErr();
        long sent = 0;
        long bytes = 0;
        long start = System.nanoTime();
        long lastReport = start;
        try (FaceStreamProducer producer = new FaceStreamProducer(bootstrap, kafka.properties())) {
            do {
                try (FrameSource frames = FrameSource.open(source, options)) {
                    long sourceStart = System.nanoTime();
                    for (EncodedFrame frame; (frame = frames.next()) != null; ) {
                        if (!fast) { // real time: wait until the frame's moment in the source
                            long due = sourceStart + (long) (frame.sourceSeconds() * 1e9);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                        }
                        producer.sendFrame(topic, camera, sent, System.currentTimeMillis(), frame.jpeg());
                        sent++;
                        bytes += frame.jpeg().length;
                        long now = System.nanoTime();
                        if (now - lastReport > 1_000_000_000L) {
                            lastReport = now;
                            err.printf(Locale.ROOT, "\r%s: %d frames, %.1f MB, %.1f frames/s", camera, sent, bytes / 1e6,
                                    sent / ((now - start) / 1e9));
                            err.flush();
                        }
                        if (maxFrames > 0 && sent >= maxFrames) {
                            loop = false;
                            break;
                        }
                    }
                }
            } while (loop);
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalArgumentException e) {
            err.println("facestream: " + e.getMessage());
            return FaceStreamCli.EXIT_INPUT_ERRORS;
        }
        err.printf(Locale.ROOT, "\r%s: %d frames sent to %s (%.1f MB)%n", camera, sent, topic, bytes / 1e6);
        return 0;
    }
}
