package io.facestream.stream;

import static io.facestream.stream.SightingsOperatorTest.LATENCY;
import static io.facestream.stream.SightingsOperatorTest.arrive;
import static io.facestream.stream.SightingsOperatorTest.frame;
import static io.facestream.stream.SightingsOperatorTest.harness;
import static io.facestream.stream.SightingsOperatorTest.of;
import static io.facestream.stream.SightingsOperatorTest.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.serde.FrameDeserializationSchema;
import io.facestream.track.Sighting;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * Whatever other cameras do to their timestamps (any capture time the deserializer lets through: years slow, minutes
 * fast, jumping back and forth, one instant replayed, many cameras at once, frames arriving late) and however their
 * frames interleave with one camera's, that camera's sightings are the ones it has alone: same moments, same faces.
 */
@Tag("flink")
class CamerasOwnClocksPropertyTest {
    static final long START = 1_700_000_000_000L;
    static final int FRAMES = 20;

    /** One hostile frame: which camera, its capture time, when it arrives after the right camera's frame of the step. */
    record Hostile(int camera, long captureTs, long arrivalDelayMs, int person, boolean known) {
    }

    @Property(tries = 60)
    void noOtherCameraChangesARightCamerasSightings(@ForAll("steps") List<List<Hostile>> steps) throws Exception {
        List<String> alone;
        try (var harness = harness(null)) {
            stream(harness, "right", 0, FRAMES, START, 0);
            harness.setProcessingTime(START + 20_000);
            alone = timeline(of(harness.extractOutputValues(), "right"));
        }
        assertThat(alone).as("alone, the right camera opens and closes one sighting").hasSize(2);
        try (var harness = harness(null)) {
            long[] seq = new long[8];
            for (int k = 0; k < FRAMES; k++) {
                long now = START + 100L * k;
                arrive(harness, frame("right", k, now, 1, true), now + LATENCY);
                for (Hostile h : steps.get(k)) {
                    // Arrivals never go back in processing time: a late one arrives with the next frames.
                    arrive(harness, frame("other-" + h.camera(), seq[h.camera()]++, h.captureTs(), h.person(), h.known()),
                            now + LATENCY + h.arrivalDelayMs());
                }
            }
            harness.setProcessingTime(START + 20_000);
            assertThat(timeline(of(harness.extractOutputValues(), "right")))
                    .as("the right camera's sightings at the same moments as alone").isEqualTo(alone);
        }
    }

    private static List<String> timeline(List<Sighting> sightings) {
        return sightings.stream().map(s -> s.state().wire() + " " + s.firstSeen() + " " + s.lastSeen() + " " + s.faces())
                .toList();
    }

    @Provide
    Arbitrary<List<List<Hostile>>> steps() {
        return hostile().list().ofMaxSize(6).list().ofSize(FRAMES);
    }

    private Arbitrary<Hostile> hostile() {
        Arbitrary<Long> captureTs = Arbitraries.oneOf(
                // anything the deserializer accepts: from 2000 to five minutes ahead
                Arbitraries.longs().between(FrameDeserializationSchema.EARLIEST_CAPTURE_TS, START + 300_000),
                Arbitraries.longs().between(START - 600_000, START + 290_000), // minutes off
                Arbitraries.longs().between(START - 3_000, START + 5_000), // near the right time, out of order
                Arbitraries.just(START)); // one instant replayed
        return Combinators.combine(Arbitraries.integers().between(0, 7), captureTs,
                        Arbitraries.longs().between(0, 99), Arbitraries.integers().between(2, 9), Arbitraries.of(true, false))
                .as(Hostile::new);
    }
}
