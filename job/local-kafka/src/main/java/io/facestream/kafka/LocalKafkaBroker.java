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
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) on loopback, in
 * its own JVM with its own class path (written by this module's build), for the demo, the
 * {@code broker} command and the tests. It runs with Kafka's default limits (1 MB records unless
 * a topic says otherwise), as a fresh production cluster would. It can be stopped and started
 * again on the same ports and data, like a broker restart. With a temporary data directory the
 * data is deleted on {@link #close()}.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);

    /**
     * Where and how the broker runs: {@code port} 0 picks a free one; {@code dataDirectory} null
     * means a temporary one, deleted on close; {@code overrides} are broker settings (tests set
     * e.g. {@code transaction.max.timeout.ms}); {@code security} null serves clients in plaintext.
     */
    public record Settings(int port, Path dataDirectory, Map<String, String> overrides, SaslSsl security) {
        public Settings(int port, Path dataDirectory, Map<String, String> overrides) {
            this(port, dataDirectory, overrides, null);
        }

        public static Settings temporary() {
            return new Settings(0, null, Map.of());
        }

        public Settings withOverrides(Map<String, String> more) {
            Map<String, String> all = new TreeMap<>(overrides);
            all.putAll(more);
            return new Settings(port, dataDirectory, all, security);
        }

        public Settings withSecurity(SaslSsl saslSsl) {
            return new Settings(port, dataDirectory, overrides, saslSsl);
        }
    }

    /**
     * Clients are served over TLS only, authenticated with SCRAM-SHA-512, as a secured production
     * cluster would (security.protocol SASL_SSL): the broker's certificate and key come from a
     * PKCS12 {@code keystore}; {@code users} (name to password) are the SCRAM credentials, stored
     * when the storage is formatted. The broker keeps an unadvertised-to-clients plaintext
     * listener on loopback for itself and this class's administration (creating topics).
     */
    public record SaslSsl(Path keystore, String keystorePassword, Map<String, String> users) {
        public static final String MECHANISM = "SCRAM-SHA-512";
    }

    private final Path directory;
    private final boolean temporary;
    private final Path config;
    private final String bootstrapServers;
    private final String adminServers;
    private final Thread shutdownHook;
    private volatile Process process;

    private LocalKafkaBroker(Path directory, boolean temporary, Path config, String bootstrapServers, String adminServers) {
        this.directory = directory;
        this.temporary = temporary;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.adminServers = adminServers;
        this.shutdownHook = new Thread(this::shutDown, "local-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A broker on free ports with temporary data. */
    public static LocalKafkaBroker start() {
        return start(Settings.temporary());
    }

    /** Starts a broker and waits until it answers; fails with the broker's log when it does not. */
    public static LocalKafkaBroker start(Settings settings) {
        try {
            boolean temporary = settings.dataDirectory() == null;
            Path directory = temporary ? Files.createTempDirectory("facestream-kafka-")
                    : Files.createDirectories(settings.dataDirectory().toAbsolutePath());
            int port = settings.port() > 0 ? settings.port() : freePort();
            int internalPort = settings.security() == null ? port : freePort();
            Path config = directory.resolve("server.properties");
            Files.writeString(config, serverProperties(directory.resolve("data"), port, internalPort, freePort(),
                    settings.security(), settings.overrides()));
            Files.writeString(directory.resolve("log4j.properties"),
                    "log4j.rootLogger=WARN, file\nlog4j.appender.file=org.apache.log4j.FileAppender\n"
                    + "log4j.appender.file.File=" + directory.resolve("broker.log") + "\n"
                    + "log4j.appender.file.layout=org.apache.log4j.PatternLayout\n"
                    + "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n\n"
                    + "log4j.logger.kafka=INFO\n");
            if (!Files.exists(directory.resolve("data/meta.properties"))) {
                // "=" form: a random id may start with "-", which would read as an option.
                List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format",
                        "--cluster-id=" + clusterId(), "--config=" + config));
                if (settings.security() != null) {
                    // KRaft keeps SCRAM credentials in its metadata; they are added when the storage is made.
                    settings.security().users().forEach((user, password) -> format.add("--add-scram="
                            + SaslSsl.MECHANISM + "=[name=" + user + ",password=" + password + "]"));
                }
                runToCompletion(directory, format.toArray(String[]::new));
            }
            LocalKafkaBroker broker = new LocalKafkaBroker(directory, temporary, config, "127.0.0.1:" + port,
                    "127.0.0.1:" + internalPort);
            broker.startProcess();
            LOG.info("local Kafka broker ready at {} (data in {})", broker.bootstrapServers, directory);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Waits until the broker's process ends (stopped by {@link #close()} or on its own) and returns its status. */
    public int awaitExit() throws InterruptedException {
        return process.waitFor();
    }

    /** Kills the broker's JVM (SIGKILL, as a crash would) and keeps its data. */
    public void kill() {
        Process current = process;
        if (current != null && current.isAlive()) {
            current.descendants().forEach(ProcessHandle::destroyForcibly); // the broker under its watchdog shell
            waitFor(current, 30); // the watchdog ends with it
        }
    }

    /** Starts the broker again on the same ports and data, after {@link #kill()}. */
    public void startAgain() {
        startProcess();
    }

    private void startProcess() {
        try {
            Path log4j = directory.resolve("log4j.properties");
            process = withWatchdog(java(directory, log4j, "kafka.Kafka", config.toString()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("broker.out").toFile()))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local Kafka broker", e);
        }
        awaitReady(Duration.ofSeconds(90));
    }

    /** An admin client on the broker's own listener (plaintext, loopback), whatever clients must use. */
    public Admin admin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, adminServers);
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

    private static String serverProperties(Path data, int port, int internalPort, int controllerPort, SaslSsl security,
                                           Map<String, String> overrides) {
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", "1");
        properties.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        properties.put("controller.listener.names", "CONTROLLER");
        if (security == null) {
            properties.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            properties.put("inter.broker.listener.name", "PLAINTEXT");
            properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            properties.put("listeners", "SASL_SSL://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + internalPort
                    + ",CONTROLLER://127.0.0.1:" + controllerPort);
            properties.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + internalPort);
            properties.put("inter.broker.listener.name", "INTERNAL");
            properties.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
            properties.put("sasl.enabled.mechanisms", SaslSsl.MECHANISM);
            properties.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            properties.put("ssl.keystore.type", "PKCS12");
            properties.put("ssl.keystore.location", security.keystore().toAbsolutePath().toString());
            properties.put("ssl.keystore.password", security.keystorePassword());
            properties.put("ssl.key.password", security.keystorePassword());
        }
        properties.put("log.dirs", data.toString());
        // One node: internal topics cannot have more replicas than that.
        properties.put("num.partitions", "1");
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "4");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "4");
        properties.put("group.initial.rebalance.delay.ms", "0");
        properties.put("auto.create.topics.enable", "false");
        properties.putAll(overrides);
        StringBuilder text = new StringBuilder();
        properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }

    private static ProcessBuilder java(Path directory, Path log4j, String... mainAndArgs) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m", "-Xmx768m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Dlog4j.configuration=" + (log4j == null ? "" : log4j.toUri()),
                "-cp", brokerClassPath()));
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

    private static void runToCompletion(Path directory, String... mainAndArgs) throws IOException {
        Path output = directory.resolve("format.out");
        Process process = java(directory, null, mainAndArgs).redirectErrorStream(true).redirectOutput(output.toFile()).start();
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

    private static void waitFor(Process process, int seconds) {
        try {
            process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 20 s); temporary data is deleted. */
    private void shutDown() {
        Process current = process;
        if (current != null && current.isAlive()) {
            current.destroy();
            waitFor(current, 20);
            if (current.isAlive()) {
                current.destroyForcibly();
                waitFor(current, 10);
            }
        }
        if (temporary) {
            deleteRecursively(directory);
        }
    }

    @Override
    public void close() {
        shutDown();
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
