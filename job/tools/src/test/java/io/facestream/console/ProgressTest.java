package io.facestream.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aKnownTotalGivesShareRateAndTimeLeft() {
        assertThat(Progress.line("demo", "frames", Progress.Count.of(400, 1000), 40 * SECOND))
                .isEqualTo("demo: 400/1000 frames (40%), 10.0 frames/s, about 1:00 left");
    }

    @Test
    void aGrowingTotalGivesNoShareNorTimeLeft() {
        assertThat(Progress.line("demo", "frames", new Progress.Count(50, 120, false), 10 * SECOND))
                .isEqualTo("demo: 50 of 120+ frames, 5.0 frames/s");
    }

    @Test
    void anEndlessStreamGivesCountAndRate() {
        assertThat(Progress.line("demo", "frames", new Progress.Count(50, 0, false), 10 * SECOND))
                .isEqualTo("demo: 50 frames, 5.0 frames/s");
    }

    @Test
    void noRateBeforeTheFirstSecondOrTheFirstFrame() {
        assertThat(Progress.line("demo", "frames", Progress.Count.of(3, 10), SECOND / 2)).isEqualTo("demo: 3/10 frames (30%)");
        assertThat(Progress.line("demo", "frames", Progress.Count.of(0, 10), 5 * SECOND)).isEqualTo("demo: 0/10 frames (0%)");
    }

    @Test
    void aTimedStepGivesTimeLeftWithoutARate() {
        assertThat(Progress.line("bench soak", Progress.SECONDS, Progress.Count.of(90, 600), 90 * SECOND))
                .isEqualTo("bench soak: 90/600 s (15%), about 8:30 left");
    }

    @Test
    void clockShowsHoursOnlyFromAnHourOn() {
        assertThat(Progress.clock(59)).isEqualTo("0:59");
        assertThat(Progress.clock(61)).isEqualTo("1:01");
        assertThat(Progress.clock(3_725)).isEqualTo("1:02:05");
    }

    @Test
    void shownOnATerminalUnlessJsonOrAskedOtherwise() {
        String before = System.getProperty(Progress.TERMINAL_PROPERTY);
        try {
            System.setProperty(Progress.TERMINAL_PROPERTY, "true");
            assertThat(Progress.wanted(null, false)).isTrue();
            assertThat(Progress.wanted(null, true)).as("quiet with --json").isFalse();
            assertThat(Progress.wanted(false, false)).isFalse();
            System.clearProperty(Progress.TERMINAL_PROPERTY);
            assertThat(Progress.wanted(null, false)).as("not a terminal").isFalse();
            assertThat(Progress.wanted(true, true)).as("--progress wins").isTrue();
        } finally {
            if (before != null) {
                System.setProperty(Progress.TERMINAL_PROPERTY, before);
            }
        }
    }

    @Test
    void offPrintsNothingButWhatIsPrintedAbove() {
        StringWriter err = new StringWriter();
        try (Progress progress = Progress.start(false, new PrintWriter(err), "demo", "frames",
                () -> Progress.Count.of(1, 2), Duration.ofMillis(5))) {
            progress.above(() -> err.write("a sighting\n"));
        }
        assertThat(err).hasToString("a sighting\n");
    }

    @Test
    void shownTheLineIsRedrawnInPlaceAndOutputGoesAboveIt() throws Exception {
        StringWriter err = new StringWriter();
        AtomicLong done = new AtomicLong(5);
        try (Progress progress = Progress.start(true, new PrintWriter(err), "demo", "frames",
                () -> Progress.Count.of(done.get(), 10), Duration.ofMillis(10))) {
            long deadline = System.nanoTime() + 10 * SECOND;
            while (!written(err, progress).contains("\rdemo: 5/10 frames (50%)") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            progress.above(() -> err.write("a sighting\n"));
            done.set(10);
        }
        String written = err.toString();
        assertThat(written).contains("\rdemo: 5/10 frames (50%)").contains("a sighting\n\rdemo: ")
                .containsPattern("\rdemo: 10/10 frames \\(100%\\)[^\r]*\n$");
        // What is printed above starts on a cleared line, never after a half-drawn progress line.
        assertThat(written.substring(0, written.indexOf("a sighting"))).endsWith("\r");
    }

    @Test
    void closingTwiceLeavesOneFinalLine() {
        StringWriter err = new StringWriter();
        Progress progress = Progress.start(true, new PrintWriter(err), "demo", "frames", () -> Progress.Count.of(10, 10),
                Duration.ofHours(1));
        progress.close();
        progress.close();
        assertThat(err.toString()).isEqualTo("\rdemo: 10/10 frames (100%)\n");
    }

    private static String written(StringWriter err, Progress progress) {
        synchronized (progress) { // the ticker writes under this lock
            return err.toString();
        }
    }
}
