package io.facestream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.demo.SightingLines;
import io.facestream.kafka.CommittedRecords;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facestream sightings}: follows the sightings topic (committed records only). */
@Command(name = "sightings", mixinStandardHelpOptions = true,
        description = "Follows the sightings topic: who was seen on which camera, from when to when. Only records the "
                + "job committed (read_committed). Ctrl-C stops.")
class SightingsCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic", defaultValue = "sightings", description = "Sightings topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--from-beginning", description = "Start with the oldest record kept, not with new ones.")
    boolean fromBeginning;

    @Option(names = "--json", description = "Print the records as written (JSON lines).")
    boolean json;

    @Option(names = "--max-records", defaultValue = "0", description = "Stop after this many records (default: follow).")
    long maxRecords;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AtomicLong printed = new AtomicLong();
        try (CommittedRecords records = new CommittedRecords(bootstrap, topic, fromBeginning, kafka.properties())) {
            while (maxRecords <= 0 || printed.get() < maxRecords) {
                records.poll(Duration.ofMillis(500), record -> {
                    if (maxRecords > 0 && printed.get() >= maxRecords) {
                        return;
                    }
                    String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
                    try {
                        JsonNode sighting = MAPPER.readTree(value);
                        out.println(json ? value : SightingLines.format(sighting));
                    } catch (IOException | RuntimeException e) {
                        err.println("facestream: not a sighting record at " + record.topic() + "/" + record.partition()
                                + "@" + record.offset() + ": " + e.getMessage());
                    }
                    printed.incrementAndGet();
                });
                out.flush();
                err.flush();
            }
        }
        return 0;
    }
}
