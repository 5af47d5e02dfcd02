package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.cli.FaceStreamCli;
import io.facestream.demo.SamplePeople;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code ./facestream demo --once --json} as the README shows it: the sample videos as two cameras give at most three
 * sightings per camera, each naming the right person, all closed by the end; most faces reuse an embedding. While it
 * runs, its live preview in Chromium shows both cameras with their person named (screenshot: target/preview-demo.png).
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class DemoITCase {
    @Test
    void theDemoGivesAFewSightingsPerCameraEachNamingTheRightPerson() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        Future<Integer> demo = runner.submit(() -> FaceStreamCli.run(new String[] {"demo", "--once", "--json", "--progress",
                "--preview-port", "0", "-Dmodels.dir=" + JobTestSupport.modelsDir(), "-Dinference.device=cpu",
                "-Dflink.rest.port=0"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        try {
            thePreviewShowsBothCamerasWithTheirPersonNamed(err, demo);
        } finally {
            runner.shutdown();
        }
        int exit = demo.get(10, TimeUnit.MINUTES);
        System.err.print(err.toString(StandardCharsets.UTF_8));
        assertThat(exit).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8))
                // Progress (asked for: --json alone keeps stderr quiet) goes to stderr, ending with every frame analysed.
                .containsPattern("\rdemo: (\\d+)/\\1 frames \\(100%\\)[^\r]*\n");

        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> sightings = new ArrayList<>();
        JsonNode summary = null;
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")) {
                JsonNode node = mapper.readTree(line);
                if (node.has("summary")) {
                    summary = node.get("summary");
                } else {
                    sightings.add(node);
                }
            }
        }
        System.out.println("demo sightings: " + sightings);
        System.out.println("demo summary: " + summary);
        assertThat(summary).isNotNull();
        assertThat(summary.get("sightingsStillOpen").asInt()).isZero();
        for (Map.Entry<String, String> camera : SamplePeople.expectedPerson().entrySet()) {
            List<JsonNode> closed = sightings.stream()
                    .filter(s -> s.get("camera").asText().equals(camera.getKey()) && s.get("state").asText().equals("closed"))
                    .toList();
            assertThat(closed).as("sightings of %s", camera.getKey()).hasSizeBetween(1, 3)
                    .allSatisfy(s -> assertThat(s.get("personId").asText()).isEqualTo(camera.getValue()));
        }
        assertThat(sightings).allSatisfy(s -> assertThat(s.get("personId").isNull()).as("unnamed: %s", s).isFalse());
        long frames = summary.get("frames").asLong();
        assertThat(summary.get("faces").asLong()).isGreaterThanOrEqualTo(frames * 9 / 10);
        // The bench measures the saving (7x in order); here only that the job reuses embeddings at all, with margin
        // for frames of one camera analysed concurrently.
        assertThat(summary.get("facesEmbedded").asLong()).isLessThan(summary.get("faces").asLong() / 3);
    }

    /** While the demo runs, its preview page in Chromium shows both cameras, each with its person's face named. */
    private static void thePreviewShowsBothCamerasWithTheirPersonNamed(ByteArrayOutputStream err, Future<Integer> demo)
            throws Exception {
        Pattern address = Pattern.compile("demo: live preview at (http://127\\.0\\.0\\.1:\\d+/)");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        Matcher printed = address.matcher("");
        while (!(printed = address.matcher(err.toString(StandardCharsets.UTF_8))).find()) {
            assertThat(demo.isDone()).as("the demo ended without printing its preview address: %s", err).isFalse();
            assertThat(System.nanoTime()).as("no preview address printed in 5 minutes").isLessThan(deadline);
            Thread.sleep(200);
        }
        WebDriver browser = PreviewPageITCase.chromium();
        try {
            browser.get(printed.group(1));
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofMinutes(3));
            for (Map.Entry<String, String> camera : SamplePeople.expectedPerson().entrySet()) {
                String labels = "[data-camera='" + camera.getKey() + "'] .face-label";
                wait.until(page -> PreviewPageITCase.text(page, labels).toLowerCase(Locale.ROOT).contains(camera.getValue()));
            }
            Path target = Path.of("target");
            Files.createDirectories(target);
            Files.write(target.resolve("preview-demo.png"),
                    ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }
}
