package io.facestream.cli;

import io.facestream.config.FaceStreamConfig;
import io.facestream.job.JobOptions;
import io.facestream.preview.PreviewServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facestream preview}: the live page over any broker's topics. */
@Command(name = "preview", mixinStandardHelpOptions = true,
        description = "Serves a live page of every camera's latest frame with faces boxed and named, the recent sightings "
                + "and matches, and per-camera frame rate and latency, read from the topics (uncommitted results "
                + "included, for low latency). Runs until Ctrl-C.")
class PreviewCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--port", defaultValue = "8090", description = "Port of the page (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}: "
            + "this machine only).")
    String bind;

    @Mixin
    TopicNameOptions topicNames = new TopicNameOptions();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        FaceStreamConfig config = topicNames.config();
        PrintWriter out = spec.commandLine().getOut();
        try (PreviewServer server = PreviewServer.start(new PreviewServer.Settings(bootstrap, kafka.properties(),
                config.get(JobOptions.KAFKA_FRAMES_TOPIC), config.get(JobOptions.KAFKA_MATCHES_TOPIC),
                config.get(JobOptions.KAFKA_SIGHTINGS_TOPIC), bind, port))) {
            out.println("preview: " + server.address());
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "preview-stop"));
            stop.await();
        }
        return 0;
    }
}
