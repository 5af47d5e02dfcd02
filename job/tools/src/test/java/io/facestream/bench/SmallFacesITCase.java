package io.facestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.model.LabelledSamples;
import io.facestream.testing.TestData;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Small, compressed faces as a distant camera sees them (the labelled photos in 640x480 JPEG quality-30 frames, faces
 * 24 to 48 pixels wide) with the shipped settings: every size detected at 95% or more with no false detection,
 * verification at 0.99 or more from 32 pixels; below that, what this recognizer reaches (the goal of 0.99 is not met
 * there: BENCHMARKS.md, Small faces). Full-size photos stay at 100% for both.
 */
@Tag("model")
class SmallFacesITCase {
    @Test
    void smallFacesAreFoundAndRecognisedAtTheShippedSettings() throws Exception {
        SmallFaces evaluation = new SmallFaces(TestData.pipeline(), LabelledSamples.load(TestData.modelsDir()));
        SmallFaces.Row full = evaluation.fullSize();
        assertThat(full.detection()).isEqualTo(1.0);
        assertThat(full.accuracy()).isEqualTo(1.0);
        Map<Integer, SmallFaces.Row> rows = evaluation.atSizes(Benchmark.SMALL_FACE_SIZES);
        rows.values().forEach(row -> System.out.printf(java.util.Locale.ROOT,
                "%d px: detected %d/%d, accuracy %.3f (genuine %d/%d, impostors rejected %d/%d), false detections %d%n",
                row.size(), row.detected(), row.faces(), row.accuracy(), row.genuineAccepted(), row.genuinePairs(),
                row.impostorsRejected(), row.impostorPairs(), row.falsePositives()));
        for (SmallFaces.Row row : rows.values()) {
            assertThat(row.detection()).as("detection at %d px", row.size()).isGreaterThanOrEqualTo(0.95);
            assertThat(row.falsePositives()).as("false detections at %d px", row.size()).isZero();
            assertThat(row.impostorRejectRate()).as("impostors rejected at %d px", row.size()).isEqualTo(1.0);
            double floor = row.size() >= 32 ? 0.99 : row.size() >= 28 ? 0.95 : 0.86;
            assertThat(row.accuracy()).as("verification accuracy at %d px", row.size()).isGreaterThanOrEqualTo(floor);
        }
    }
}
