package io.facestream.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/** {@code --kafka-config FILE}: Kafka client properties for a secured cluster, as Kafka's own tools take {@code --command-config}. */
final class KafkaClientOptions {
    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties (security.protocol, "
            + "sasl.mechanism, sasl.jaas.config, ssl.truststore.*, ...), as Kafka's tools take --command-config.")
    Path file;

    /** The file's properties; none without the option. */
    Properties properties() {
        Properties properties = new Properties();
        if (file == null) {
            return properties;
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --kafka-config " + file + ": " + e.getMessage(), e);
        }
        return properties;
    }
}
