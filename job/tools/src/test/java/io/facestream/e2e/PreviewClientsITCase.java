package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.TopicSpec;
import io.facestream.preview.PreviewServer;
import io.facestream.serde.MatchRecord;
import io.facestream.serde.MatchSerializationSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pages that stop reading, and more pages than the preview serves: a page that reads goes on getting the state every
 * second, the stuck ones are dropped, and one page too many is told to come back later (503).
 */
@Tag("kafka")
class PreviewClientsITCase {
    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    /** Opens /events on a raw socket; {@code receiveBuffer} small for a page that never reads. */
    static Socket openEvents(URI address, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(address.getHost(), address.getPort()), 5_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    @Test
    void pagesThatStopReadingAreDroppedWhileAPageThatReadsGetsEveryUpdate() throws Exception {
        String frames = "frames-clients", matches = "matches-clients", sightings = "sightings-clients";
        JobTestSupport.createTopics(KAFKA.broker(), List.of(new TopicSpec(frames, 1, Map.of()), new TopicSpec(matches, 1, Map.of()),
                new TopicSpec(sightings, 1, Map.of())));
        try (PreviewServer server = PreviewServer.start(new PreviewServer.Settings(KAFKA.broker().bootstrapServers(),
                new Properties(), frames, matches, sightings, "127.0.0.1", 0));
             FaceStreamProducer producer = new FaceStreamProducer(KAFKA.broker().bootstrapServers())) {
            URI address = server.address();
            List<Socket> stuck = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                stuck.add(openEvents(address, 2048)); // never read
            }
            // A page that reads: each event's arrival time.
            ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
            AtomicBoolean reading = new AtomicBoolean(true);
            Socket good = openEvents(address, 0);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(good.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while (reading.get() && (line = in.readLine()) != null) {
                        if (line.startsWith("data: ")) {
                            arrivals.add(System.currentTimeMillis());
                        }
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            }, "good-page");
            reader.start();
            // Changes ten times a second, each event some 40 kB (the 30 recent matches, long names): the stuck pages'
            // socket buffers fill within seconds.
            String name = "N".repeat(500);
            long start = System.currentTimeMillis();
            int seq = 0;
            while (System.currentTimeMillis() - start < 25_000) {
                MatchRecord match = new MatchRecord("cam-" + (seq % 4), seq, System.currentTimeMillis(), "person-" + seq,
                        name, 0.9f, new float[] {10, 10, 50, 50}, new float[10], "faceplugin-fr");
                producer.sendRaw(new MatchSerializationSchema(matches).serialize(match, null, null));
                producer.flush();
                seq++;
                Thread.sleep(50);
            }
            reading.set(false);
            good.close();
            reader.join(5_000);
            List<Long> times = new ArrayList<>(arrivals);
            assertThat(times).as("events the reading page got").hasSizeGreaterThan(100);
            long longestGap = 0;
            for (int i = 1; i < times.size(); i++) {
                if (times.get(i) - start > 2_000) {
                    longestGap = Math.max(longestGap, times.get(i) - times.get(i - 1));
                }
            }
            long lastGap = start + 25_000 - times.get(times.size() - 1);
            assertThat(Math.max(longestGap, lastGap)).as("the longest wait of the reading page for an event, ms")
                    .isLessThan(1_500);
            assertThat(server.droppedClients()).as("pages dropped for not reading").isEqualTo(8);
            for (Socket socket : stuck) {
                socket.close();
            }
        }
    }

    @Test
    void onePageMoreThanThePreviewServesIsToldToComeBackLater() throws Exception {
        try (PreviewServer server = PreviewServer.start(new PreviewServer.Settings("127.0.0.1:1", new Properties(),
                "frames", "matches", "sightings", "127.0.0.1", 0))) {
            URI address = server.address();
            List<Socket> pages = new ArrayList<>();
            List<Thread> readers = new ArrayList<>();
            try {
                for (int i = 0; i < PreviewServer.MAX_EVENT_CLIENTS; i++) {
                    Socket page = openEvents(address, 0);
                    pages.add(page);
                    BufferedReader in = new BufferedReader(new InputStreamReader(page.getInputStream(),
                            StandardCharsets.UTF_8));
                    assertThat(in.readLine()).as("page %d", i).isEqualTo("HTTP/1.1 200 OK");
                    Thread reader = new Thread(() -> {
                        try {
                            while (in.readLine() != null) {
                                // reading, as a page does
                            }
                        } catch (IOException e) {
                            // closed at the end
                        }
                    });
                    reader.setDaemon(true);
                    reader.start();
                    readers.add(reader);
                }
                try (Socket extra = openEvents(address, 0)) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(extra.getInputStream(),
                            StandardCharsets.UTF_8));
                    assertThat(in.readLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
                }
                assertThat(server.refusedClients()).isEqualTo(1);
            } finally {
                for (Socket page : pages) {
                    page.close();
                }
            }
            // Once pages leave (the server notices when it next writes to them, within two pushes), new ones are served.
            Thread.sleep(3_000);
            try (Socket again = openEvents(address, 0)) {
                BufferedReader in = new BufferedReader(new InputStreamReader(again.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            }
        }
    }

    @Test
    void clientsThatNeverReadAFrameDoNotHoldUpThePage() throws Exception {
        String frames = "frames-big", matches = "matches-big", sightings = "sightings-big";
        JobTestSupport.createTopics(KAFKA.broker(), List.of(new TopicSpec(frames, 1, Map.of("max.message.bytes",
                TopicSpec.FRAMES_MAX_MESSAGE_BYTES)), new TopicSpec(matches, 1, Map.of()), new TopicSpec(sightings, 1, Map.of())));
        try (FaceStreamProducer producer = new FaceStreamProducer(KAFKA.broker().bootstrapServers())) {
            producer.sendFrame(frames, "cam-big", 1, System.currentTimeMillis(), new byte[6 * 1024 * 1024]);
            producer.flush();
        }
        try (PreviewServer server = PreviewServer.start(new PreviewServer.Settings(KAFKA.broker().bootstrapServers(),
                new Properties(), frames, matches, sightings, "127.0.0.1", 0))) {
            URI address = server.address();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpRequest frame = java.net.http.HttpRequest.newBuilder(address.resolve("/frame/cam-big.jpg")).build();
            long deadline = System.currentTimeMillis() + 30_000;
            while (http.send(frame, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                assertThat(System.currentTimeMillis()).as("the big frame reached the preview").isLessThan(deadline);
                Thread.sleep(200);
            }
            List<Socket> stuck = new ArrayList<>();
            for (int i = 0; i < 12; i++) { // more than the request threads
                Socket socket = new Socket();
                socket.setReceiveBufferSize(2048);
                socket.connect(new InetSocketAddress(address.getHost(), address.getPort()), 5_000);
                socket.getOutputStream().write("GET /frame/cam-big.jpg HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                stuck.add(socket); // never read
            }
            Thread.sleep(2_000);
            long start = System.nanoTime();
            java.net.http.HttpResponse<String> page = http.send(java.net.http.HttpRequest.newBuilder(address)
                    .timeout(java.time.Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms to answer the page beside them").isLessThan(2_000);
            for (Socket socket : stuck) {
                socket.close();
            }
        }
    }
}
