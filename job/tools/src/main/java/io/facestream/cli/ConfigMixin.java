package io.facestream.cli;

import io.facestream.config.FacePipelineOptions;
import io.facestream.config.FaceStreamConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code -D key=value} overrides, shared by every command. */
final class ConfigMixin {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Configuration file of key: value lines.")
    Path configFile;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "Overrides one configuration key (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    FaceStreamConfig load() {
        return FaceStreamConfig.load(configFile, overrides, FacePipelineOptions.all());
    }
}
