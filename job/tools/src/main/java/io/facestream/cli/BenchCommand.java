package io.facestream.cli;

import io.facestream.bench.Benchmark;
import io.facestream.console.Progress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facestream bench}: measures the job, its ceiling, a peer engine, batching and the gallery. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks on the sample videos' frames: bare loop vs the whole job through Kafka, detector vs "
                + "OpenCV DNN, recognizer batching, gallery search up to a million, latency, memory. Prints a Markdown "
                + "table; writes bench.json and PNG charts.")
class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Smaller runs (under five minutes on two cores).")
    boolean quick;

    @Option(names = "--json", description = "End with one line {\"bench\": {...}}.")
    boolean json;

    @Option(names = "--output", defaultValue = "bench-results", description = "Directory for bench.json and charts (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--soak-minutes", defaultValue = "-1",
            description = "Minutes at full load to watch resident memory (default: 10, 0 with --quick).")
    double soakMinutes;

    @Option(names = "--gallery-only", description = "Only the gallery figures (the sharded gallery's operator on RocksDB).")
    boolean galleryOnly;

    @Option(names = "--sightings-only", description = "Only recognizer calls per frame with and without embedding reuse, "
            + "and the sightings of both, on the sample videos at the demo's 5 frames per second.")
    boolean sightingsOnly;

    @Option(names = "--small-faces", description = "Only detection and verification of small, compressed faces: the "
            + "labelled sample photos placed in 640x480 JPEG quality-30 frames with faces 24 to 48 pixels wide.")
    boolean smallFaces;

    @Option(names = "--gallery-size", defaultValue = "0",
            description = "Embeddings in the synthetic gallery (default: 1,000,000; 100,000 with --quick).")
    int gallerySize;

    @Option(names = "--progress", negatable = true, description = "Show frames analysed and time left on stderr "
            + "(default: when stderr is a terminal and the output is not --json).")
    Boolean progress;

    @Option(names = "--cameras", defaultValue = "0", paramLabel = "N",
            description = "Only many cameras, each on its own clock (a tenth slow, a twentieth fast): sighting latency, "
                    + "heap and checkpoint size at N cameras against 10, under the same load (bursts of an enrolled "
                    + "person, two a second).")
    int cameras;

    @Option(names = "--native-memory", description = "Only the memory OpenCV and ONNX Runtime take outside the Java heap "
            + "while the analysis threads work (sample frames, 1080p, the largest transparent PNGs allowed): what a "
            + "TaskManager's off-heap budget must hold.")
    boolean nativeMemory;

    @Option(names = "--model-upgrade", description = "Only a recognizer switch under load: a gallery of --gallery-size people "
            + "with photos (10,000 unless given; 1,000 with --quick) embedded again by another recognizer id while two "
            + "cameras stream (BENCHMARKS.md: Recognizer switch).")
    boolean modelUpgrade;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "Overrides one configuration key (e.g. inference.device=cuda).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return new Benchmark(new Benchmark.Options(quick, json, output, soakMinutes, galleryOnly, sightingsOnly, smallFaces,
                gallerySize, Progress.wanted(progress, json), overrides, cameras, nativeMemory, modelUpgrade), spec.commandLine().getOut(),
                spec.commandLine().getErr()).run();
    }
}
