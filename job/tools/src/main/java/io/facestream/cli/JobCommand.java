package io.facestream.cli;

import io.facestream.config.FaceStreamConfig;
import io.facestream.job.JobOptions;
import io.facestream.runner.LocalJob;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facestream job}: the streaming job against an existing Kafka, in a local Flink with its web UI. */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = "Runs the streaming job against an existing Kafka (local Flink with its web UI; "
                + "the same dataflow a FlinkDeployment runs).")
class JobCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Configuration file of key: value lines.")
    Path configFile;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "Overrides one configuration key (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        FaceStreamConfig config = FaceStreamConfig.load(configFile, overrides, JobOptions.all());
        LocalJob.run(config);
        return 0;
    }
}
