package io.facestream.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) on loopback,
 * in its own JVM with its own class path (written by this module's build), for the demo, the
 * {@code broker} command and the tests. Stopped and its data deleted on {@link #close()}.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);

    private final Path directory;
    private final Process process;
    private final String bootstrapServers;
    private final Thread shutdownHook;

    private LocalKafkaBroker(Path directory, Process process, String bootstrapServers) {
        this.directory = directory;
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.shutdownHook = new Thread(this::stopProcess, "local-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker and waits until it answers; fails with the broker's log when it does not. */
    public static LocalKafkaBroker start() {
        String classPath = brokerClassPath();
        try {
            Path directory = Files.createTempDirectory("facestream-kafka-");
            int port = freePort();
            int controllerPort = freePort();
            Path config = directory.resolve("server.properties");
            Files.writeString(config, serverProperties(directory.resolve("data"), port, controllerPort));
            Path log4j = directory.resolve("log4j.properties");
            Files.writeString(log4j, "log4j.rootLogger=WARN, file\nlog4j.appender.file=org.apache.log4j.FileAppender\n"
                    + "log4j.appender.file.File=" + directory.resolve("broker.log") + "\n"
                    + "log4j.appender.file.layout=org.apache.log4j.PatternLayout\n"
                    + "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n\n"
                    + "log4j.logger.kafka=INFO\n");
            // "=" form: a random id may start with "-", which would read as an option.
            runToCompletion(directory, classPath, "kafka.tools.StorageTool", "format", "--cluster-id=" + clusterId(),
                    "--config=" + config);
            Process process = withWatchdog(java(directory, classPath, log4j, "kafka.Kafka", config.toString()))
                    .redirectOutput(directory.resolve("broker.out").toFile())
                    .redirectErrorStream(true).start();
            LocalKafkaBroker broker = new LocalKafkaBroker(directory, process, "127.0.0.1:" + port);
            broker.awaitReady(Duration.ofSeconds(90));
            LOG.info("local Kafka broker ready at {} (data in {})", broker.bootstrapServers, directory);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates topics (name -> partitions), replication factor 1; existing ones are kept. */
    public void createTopics(Map<String, Integer> topics) {
        try (Admin admin = admin()) {
            List<NewTopic> wanted = new ArrayList<>();
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            topics.forEach((name, partitions) -> {
                if (!existing.contains(name)) {
                    wanted.add(new NewTopic(name, partitions, (short) 1));
                }
            });
            admin.createTopics(wanted).all().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + topics.keySet() + ": " + e.getMessage(), e);
        }
    }

    public Admin admin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(properties);
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the local Kafka broker exited with status " + process.exitValue()
                        + "; its output:\n" + tail(directory.resolve("broker.out")) + tail(directory.resolve("broker.log")));
            }
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                // not ready yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        close();
        throw new IllegalStateException("the local Kafka broker did not become ready within " + timeout);
    }

    private static String serverProperties(Path data, int port, int controllerPort) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                // Flink's transactional sink keeps transactions open up to a checkpoint apart.
                "transaction.max.timeout.ms=3600000",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "message.max.bytes=33554432",
                "replica.fetch.max.bytes=33554432",
                "log.flush.interval.messages=1000000",
                "") + "\n";
    }

    private static ProcessBuilder java(Path directory, String classPath, Path log4j, String... mainAndArgs) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m", "-Xmx768m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Dlog4j.configuration=" + (log4j == null ? "" : log4j.toUri()),
                "-cp", classPath));
        command.addAll(List.of(mainAndArgs));
        return new ProcessBuilder(command).directory(directory.toFile());
    }

    /**
     * Runs the broker under a small shell that stops it when this JVM goes away, even without
     * running its shutdown hooks (a crash, kill -9), so no orphaned broker is left behind.
     */
    private static ProcessBuilder withWatchdog(ProcessBuilder broker) {
        List<String> command = new ArrayList<>(List.of("sh", "-c",
                "parent=\"$1\"; shift; \"$@\" & child=$!; "
                        + "trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT; "
                        + "while kill -0 \"$parent\" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; "
                        + "kill $child 2>/dev/null; wait $child",
                "local-kafka-watchdog", Long.toString(ProcessHandle.current().pid())));
        command.addAll(broker.command());
        return new ProcessBuilder(command).directory(broker.directory());
    }

    private static void runToCompletion(Path directory, String classPath, String... mainAndArgs) throws IOException {
        Path output = directory.resolve("format.out");
        Process process = java(directory, classPath, null, mainAndArgs).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("formatting the local Kafka broker's storage failed:\n" + tail(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The broker's class path, written into this module's jar by its build. */
    static String brokerClassPath() {
        try (var in = LocalKafkaBroker.class.getResourceAsStream("broker-classpath.txt")) {
            if (in == null) {
                throw new IllegalStateException("the local Kafka broker's class path is missing from the facestream-local-kafka "
                        + "jar: build the project first (mvn -B -DskipTests package, or ./facestream does it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the local Kafka broker's class path", e);
        }
    }

    private static String clusterId() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n";
        } catch (IOException e) {
            return "(no " + file.getFileName() + ")\n";
        }
    }

    private void stopProcess() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        deleteRecursively(directory);
    }

    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // already running the hooks
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", root, e.getMessage());
        }
    }
}
