package io.facestream.cli;

import io.facestream.console.Progress;
import io.facestream.demo.LocalDemo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facestream demo}: everything local, one command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Starts a local Kafka broker, enrolls the sample people, streams the sample videos as two cameras "
                + "and runs the job in a local Flink with its web UI (http://localhost:8081), printing matches.")
class DemoCommand implements Callable<Integer> {
    @Option(names = "--once", description = "Stream each video once, then print a summary and stop.")
    boolean once;

    @Option(names = "--json", description = "Print sighting records exactly as written to the topic (and the summary as JSON).")
    boolean json;

    @Option(names = "--matches", description = "Also print every recognised face (the face-matches topic), frame by frame.")
    boolean matches;

    @Option(names = "--preview-port", defaultValue = "8090", description = "Port of the live preview page on 127.0.0.1 "
            + "(default: ${DEFAULT-VALUE}; another free one when taken; -1: no preview).")
    int previewPort;

    @Option(names = "--fps", defaultValue = "5", description = "Frames sent per second of video (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--progress", negatable = true, description = "Show frames analysed and time left on stderr "
            + "(default: when stderr is a terminal and the output is not --json).")
    Boolean progress;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "Overrides one configuration key of the job (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return new LocalDemo(new LocalDemo.Options(once, json, matches, fps, previewPort,
                Progress.wanted(progress, json), overrides), spec.commandLine().getOut(),
                spec.commandLine().getErr()).run();
    }
}
