package io.facestream.preview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.facestream.job.KafkaAccess;
import io.facestream.serde.FrameDeserializationSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live preview: a web page showing every camera's latest frame with its faces boxed and named, the recent
 * sightings and matches, and per-camera frame rate and latency, updated as results arrive (server-sent events).
 * It reads the topics as any consumer would, with {@code read_uncommitted}: a match shows as soon as the job has
 * written it, before the checkpoint commits it (the exactly-once consumers wait for that). Served by the JDK's
 * HTTP server; binds to 127.0.0.1 unless told otherwise.
 */
public final class PreviewServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PreviewServer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** At start, frames of this many last milliseconds are read, so every camera that is sending shows at once. */
    private static final long RECENT_FRAMES_MS = 10_000;
    /** Pages receiving events at once; one more is answered 503 (its EventSource tries again). */
    public static final int MAX_EVENT_CLIENTS = 32;
    /** Connections of any kind at once; the JDK's server closes the ones beyond at once. */
    static final int MAX_CONNECTIONS = 96;
    /** Threads answering requests (an event stream takes one only to start). */
    static final int HANDLER_THREADS = 8;
    /** A page whose last event has not gone out after this long is dropped, and gets no more. */
    static final long STUCK_CLIENT_MS = 5_000;
    /** An event stream ends itself after this long, and the page reconnects at once ... */
    static final long EVENT_STREAM_LIFETIME_MS = 60_000;
    /** ... because the server cuts any response still going after this long: a writer blocked on a page is freed. */
    static final long MAX_RESPONSE_S = 90;
    /** A request's headers must have arrived within this long. */
    static final long MAX_REQUEST_S = 10;

    static {
        // The JDK's HTTP server reads these once, when it is first used (FaceStreamCli sets them first as well).
        limitJdkHttpServer();
    }

    /** Where to read and where to serve. */
    public record Settings(String bootstrapServers, Properties client, String framesTopic, String matchesTopic,
                           String sightingsTopic, String bindAddress, int port) {
    }

    private final Settings settings;
    private final PreviewState state = new PreviewState();
    private final HttpServer http;
    private final List<EventClient> clients = new CopyOnWriteArrayList<>();
    private final ExecutorService handlers = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), daemon("preview-http")); // queued requests wait; their connections are capped
    /** One writer per page at most; pages dropped while blocked keep theirs until the response limit frees it. */
    private final ThreadPoolExecutor writers = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 10, TimeUnit.SECONDS,
            new SynchronousQueue<>(), daemon("preview-events"));
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("preview-tick"));
    private final AtomicBoolean changed = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong droppedClients = new AtomicLong();
    private final AtomicLong refusedClients = new AtomicLong();
    private final long startedAt = System.currentTimeMillis();
    private final Thread poller;

    private PreviewServer(Settings settings) throws IOException {
        this.settings = settings;
        this.http = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
        http.createContext("/", this::page);
        http.createContext("/frame/", this::frame);
        http.createContext("/events", this::events);
        http.createContext("/state", this::stateJson);
        http.setExecutor(handlers);
        this.poller = new Thread(this::poll, "preview-kafka");
        poller.setDaemon(true);
    }

    /** Starts serving and reading; the page answers at once, showing Kafka's state until frames arrive. */
    public static PreviewServer start(Settings settings) {
        try {
            PreviewServer server = new PreviewServer(settings);
            server.http.start();
            server.poller.start();
            // Pushes at most ten times a second when something changed, and every second anyway (silent cameras).
            server.ticker.scheduleAtFixedRate(() -> server.push(false), 100, 100, TimeUnit.MILLISECONDS);
            server.ticker.scheduleAtFixedRate(() -> server.push(true), 1, 1, TimeUnit.SECONDS);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the preview on " + settings.bindAddress() + ":" + settings.port()
                    + ": " + e.getMessage(), e);
        }
    }

    public URI address() {
        InetSocketAddress bound = http.getAddress();
        return URI.create("http://" + bound.getHostString() + ":" + bound.getPort() + "/");
    }

    private void poll() {
        Properties properties = new Properties();
        properties.putAll(settings.client());
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        // Live: a match is shown when the job has written it, not when its checkpoint commits it.
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(32 * 1024 * 1024));
        properties.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        while (running.get()) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                assign(consumer);
                state.kafka(null);
                changed.set(true);
                long lastCheck = System.nanoTime();
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        take(record);
                    }
                    if (System.nanoTime() - lastCheck > TimeUnit.SECONDS.toNanos(3)) {
                        consumer.listTopics(Duration.ofSeconds(3)); // throws when the broker stopped answering
                        lastCheck = System.nanoTime();
                    }
                }
            } catch (RuntimeException e) {
                String refusal = KafkaAccess.explain(e);
                String problem = refusal != null ? "Kafka at " + settings.bootstrapServers() + " " + refusal
                        : "Kafka at " + settings.bootstrapServers() + " is unreachable or not ready ("
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
                state.kafka(problem);
                changed.set(true);
                LOG.debug("preview: {}", problem);
                sleep(2_000);
            }
        }
    }

    /**
     * The frames of the last few seconds (several cameras share a partition, so not just its last record; at least
     * its last one) and the last few results of each partition.
     */
    private void assign(KafkaConsumer<byte[], byte[]> consumer) {
        List<TopicPartition> frames = partitions(consumer, settings.framesTopic());
        List<TopicPartition> all = new ArrayList<>(frames);
        all.addAll(partitions(consumer, settings.matchesTopic()));
        all.addAll(partitions(consumer, settings.sightingsTopic()));
        consumer.assign(all);
        Map<TopicPartition, Long> ends = consumer.endOffsets(all);
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(all);
        Map<TopicPartition, Long> since = new java.util.HashMap<>();
        frames.forEach(partition -> since.put(partition, System.currentTimeMillis() - RECENT_FRAMES_MS));
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndTimestamp> recent = consumer.offsetsForTimes(since);
        for (TopicPartition partition : all) {
            long end = ends.get(partition);
            long start = Math.max(beginnings.get(partition), end - (frames.contains(partition) ? 1 : PreviewState.RECENT));
            if (frames.contains(partition) && recent.get(partition) != null) {
                start = Math.min(start, recent.get(partition).offset());
            }
            consumer.seek(partition, start);
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(3));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic '" + topic + "' does not exist yet");
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        long now = System.currentTimeMillis();
        try {
            if (record.topic().equals(settings.framesTopic())) {
                if (record.key() == null || record.value() == null) {
                    return;
                }
                state.frame(new String(record.key(), StandardCharsets.UTF_8),
                        headerLong(record, FrameDeserializationSchema.FRAME_SEQ, record.offset()),
                        headerLong(record, FrameDeserializationSchema.CAPTURE_TS, record.timestamp()), record.value(), now);
            } else if (record.value() != null) {
                JsonNode value = MAPPER.readTree(record.value());
                if (record.topic().equals(settings.matchesTopic())) {
                    state.match(value, now, record.timestamp() >= startedAt);
                } else {
                    state.sighting(value);
                }
            }
            changed.set(true);
        } catch (IOException | RuntimeException e) {
            LOG.debug("preview: skipping an unreadable record at {}/{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.toString());
        }
    }

    private static long headerLong(ConsumerRecord<byte[], byte[]> record, String name, long fallback) {
        Header header = record.headers().lastHeader(name);
        if (header == null || header.value() == null) {
            return fallback;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Leaves the current state for every page; never waits for one, and drops those that stopped reading. */
    private void push(boolean always) {
        try {
            offerToPages(always);
        } catch (RuntimeException e) { // a scheduled task that throws is never run again
            LOG.warn("preview: could not push the state to the pages", e);
        }
    }

    private void offerToPages(boolean always) {
        long now = System.nanoTime();
        for (EventClient client : clients) {
            if (client.closed()) {
                clients.remove(client);
            } else if (client.stuckFor(now) > TimeUnit.MILLISECONDS.toNanos(STUCK_CLIENT_MS)) {
                client.drop();
                clients.remove(client);
                droppedClients.incrementAndGet();
                LOG.info("preview: dropped a page that took no event for {} ms", STUCK_CLIENT_MS);
            }
        }
        if (!always && !changed.getAndSet(false)) {
            return;
        }
        byte[] event = ("data: " + state.snapshot(System.currentTimeMillis()) + "\n\n").getBytes(StandardCharsets.UTF_8);
        for (EventClient client : clients) {
            client.offer(event);
        }
    }

    /** Pages dropped so far because they stopped taking events. */
    public long droppedClients() {
        return droppedClients.get();
    }

    /** Bytes of the cameras' latest frames held for the page. */
    long frameBytesHeld() {
        return state.frameBytesHeld();
    }

    /**
     * Bounds the JDK's HTTP server where its API cannot: connections at once, the time a request's headers may take,
     * and the time any response may take (what frees a thread blocked writing to a page that stopped reading). Set
     * only where nobody set them already; the server reads them once, at its first use in the process.
     */
    public static void limitJdkHttpServer() {
        setIfAbsent("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
        setIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(MAX_REQUEST_S));
        setIfAbsent("sun.net.httpserver.maxRspTime", Long.toString(MAX_RESPONSE_S));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private void page(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            respond(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = PreviewServer.class.getResourceAsStream("index.html")) {
            respond(exchange, 200, "text/html; charset=utf-8", in.readAllBytes());
        }
    }

    private void frame(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getRawPath().substring("/frame/".length());
        String camera = URLDecoder.decode(name.endsWith(".jpg") ? name.substring(0, name.length() - 4) : name,
                StandardCharsets.UTF_8);
        byte[] jpeg = state.jpeg(camera);
        if (jpeg == null) {
            respond(exchange, 404, "text/plain", ("no frame yet from " + camera).getBytes(StandardCharsets.UTF_8));
            return;
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        respondOffThread(exchange, 200, "image/jpeg", jpeg);
    }

    /**
     * A large body (a frame, the state) is written by a writer thread, so a client that never reads it blocks that
     * thread only (until the response limit closes the connection), never the request threads every page needs.
     */
    private void respondOffThread(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        try {
            writers.execute(() -> {
                try {
                    respond(exchange, status, type, body);
                } catch (IOException e) {
                    exchange.close(); // the client went away
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            exchange.getResponseHeaders().set("Retry-After", "5");
            respond(exchange, 503, "text/plain", "the preview is busy; try again later".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** An event stream: its first event and all later ones are written by its own writer, never by this thread. */
    private void events(HttpExchange exchange) throws IOException {
        synchronized (clients) {
            clients.removeIf(EventClient::closed);
            if (clients.size() >= MAX_EVENT_CLIENTS || writers.getActiveCount() >= MAX_CONNECTIONS) {
                refusedClients.incrementAndGet();
                exchange.getResponseHeaders().set("Retry-After", "5");
                respond(exchange, 503, "text/plain", ("the preview serves " + MAX_EVENT_CLIENTS
                        + " pages at once; try again later").getBytes(StandardCharsets.UTF_8));
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            EventClient client = new EventClient(exchange, writers, TimeUnit.MILLISECONDS.toNanos(EVENT_STREAM_LIFETIME_MS));
            clients.add(client);
            // retry: the page reconnects this soon when the stream ends itself
            client.offer(("retry: 250\ndata: " + state.snapshot(System.currentTimeMillis()) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Pages answered 503 because as many as the preview serves were connected. */
    public long refusedClients() {
        return refusedClients.get();
    }

    private void stateJson(HttpExchange exchange) throws IOException {
        respondOffThread(exchange, 200, "application/json", state.snapshot(System.currentTimeMillis()).toString()
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        ticker.shutdownNow();
        clients.forEach(EventClient::close);
        http.stop(0);
        handlers.shutdownNow();
        writers.shutdownNow();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
