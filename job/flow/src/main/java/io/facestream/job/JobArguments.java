package io.facestream.job;

import io.facestream.config.ConfigException;
import io.facestream.config.FaceStreamConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The job's own arguments, for launchers without picocli (Flink application mode): --config FILE, -Dkey=value. */
final class JobArguments {
    private JobArguments() {
    }

    static FaceStreamConfig parse(String[] args) {
        Path file = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--config") || arg.equals("-c")) && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (arg.startsWith("-D") && arg.contains("=")) {
                overrides.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                throw new ConfigException("unexpected argument '" + arg + "'; use --config FILE and -Dkey=value");
            }
        }
        return FaceStreamConfig.load(file, overrides, JobOptions.all());
    }
}
