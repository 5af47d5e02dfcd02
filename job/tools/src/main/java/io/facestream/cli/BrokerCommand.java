package io.facestream.cli;

import io.facestream.config.FaceStreamConfig;
import io.facestream.job.TopicSpec;
import io.facestream.kafka.LocalKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facestream broker}: a local single-node Kafka with the job's topics, for trying the job with your own camera. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Starts a single-node Kafka broker (KRaft) on 127.0.0.1 with Kafka's default limits, creates the "
                + "job's topics (frames up to 32 MiB per record, enrollments compacted, matches and dead letters at "
                + "the broker's defaults), prints its bootstrap address and runs until Ctrl-C.")
class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", description = "Listener port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the broker's data here, across restarts (default: a temporary directory, deleted on exit).")
    Path dataDir;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of the frames and matches topics "
            + "(default: ${DEFAULT-VALUE}).")
    int partitions;

    @Mixin
    TopicNameOptions topicNames = new TopicNameOptions();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FaceStreamConfig config = topicNames.config();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.printf("broker: starting Kafka on 127.0.0.1:%d%s ...%n", port, dataDir == null ? "" : " with data in " + dataDir);
        err.flush();
        LocalKafkaBroker broker = LocalKafkaBroker.start(new LocalKafkaBroker.Settings(port, dataDir, Map.of()));
        List<TopicSpec> topics = TopicSpec.forJob(config, partitions);
        try (Admin admin = broker.admin()) {
            TopicSpec.createMissing(admin, topics, (short) 1);
        }
        for (TopicSpec topic : topics) {
            err.printf("broker: topic %s, %d partition(s) %s%n", topic.name(), topic.partitions(),
                    topic.configs().isEmpty() ? "(broker defaults)" : topic.configs());
        }
        out.println("bootstrap: " + broker.bootstrapServers());
        out.flush();
        err.println("broker: running; Ctrl-C stops it");
        err.flush();
        int status = broker.awaitExit(); // Ctrl-C: the broker's shutdown hook stops it and this JVM ends
        err.println("broker: the Kafka process ended with status " + status);
        return status == 0 ? 0 : FaceStreamCli.EXIT_SETUP;
    }
}
