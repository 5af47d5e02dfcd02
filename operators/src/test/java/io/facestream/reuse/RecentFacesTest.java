package io.facestream.reuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.track.FaceBox;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a face keeps its earlier embedding, and when it is embedded again. */
class RecentFacesTest {
    private static final ReuseSettings EVERY_FOURTH = new ReuseSettings(4, 0.92, 2_000);

    /** A thumbnail pointing along {@code axis}: looks are alike when their axes match. */
    static float[] thumbnail(int axis) {
        float[] values = new float[256];
        values[axis] = 1;
        return values;
    }

    static FaceLook look(double cx, double size, double frontal, double sharpness, int thumbnailAxis) {
        return new FaceLook(FaceBox.ofCentre(cx, 200, size, size), size, frontal, sharpness, thumbnail(thumbnailAxis));
    }

    static FaceLook steady(double cx) {
        return look(cx, 100, 0.7, 50, 0);
    }

    /** Embeds where needed and returns how many faces of the frame went to the recognizer. */
    static int frame(RecentFaces recent, long timestampMs, List<FaceLook> looks) {
        float[][] reused = recent.reusable(timestampMs, looks);
        int embedded = 0;
        for (int i = 0; i < looks.size(); i++) {
            if (reused[i] == null) {
                recent.embedded(timestampMs, looks.get(i), new float[] {(float) timestampMs});
                embedded++;
            }
        }
        return embedded;
    }

    @Test
    void anUnchangedFaceIsEmbeddedEveryKFrames() {
        RecentFaces recent = new RecentFaces(EVERY_FOURTH);
        StringBuilder pattern = new StringBuilder();
        for (int k = 0; k < 12; k++) {
            pattern.append(frame(recent, k * 100L, List.of(steady(300 + k))));
        }
        assertThat(pattern.toString()).isEqualTo("100010001000");
    }

    @Test
    void theReusedEmbeddingIsTheOneMadeForThatFace() {
        RecentFaces recent = new RecentFaces(EVERY_FOURTH);
        recent.embedded(0, steady(100), new float[] {1});
        recent.embedded(0, steady(600), new float[] {2});
        float[][] reused = recent.reusable(100, List.of(steady(602), steady(101)));
        assertThat(reused[0]).containsExactly(2);
        assertThat(reused[1]).containsExactly(1);
    }

    @Test
    void aFaceThatGrowsTurnsTowardsTheCameraOrSharpensIsEmbeddedAgain() {
        for (FaceLook better : List.of(look(300, 125, 0.7, 50, 0), look(300, 100, 0.9, 50, 0),
                look(300, 100, 0.7, 80, 0))) {
            RecentFaces recent = new RecentFaces(EVERY_FOURTH);
            recent.embedded(0, steady(300), new float[] {1});
            assertThat(recent.reusable(100, List.of(better))[0]).as("%s", better).isNull();
        }
        RecentFaces recent = new RecentFaces(EVERY_FOURTH);
        recent.embedded(0, steady(300), new float[] {1});
        assertThat(recent.reusable(100, List.of(look(300, 90, 0.75, 40, 0)))[0]).as("a worse view keeps it").isNotNull();
    }

    @Test
    void someoneElseInTheSamePlaceOrAFaceGoneTooLongIsEmbeddedAgain() {
        RecentFaces recent = new RecentFaces(EVERY_FOURTH);
        recent.embedded(0, steady(300), new float[] {1});
        assertThat(recent.reusable(100, List.of(look(300, 100, 0.7, 50, 7)))[0]).as("looks different").isNull();
        assertThat(recent.reusable(2_500, List.of(steady(300)))[0]).as("not seen for 2.5 s").isNull();
        recent.embedded(3_000, steady(300), new float[] {2});
        assertThat(recent.reusable(3_100, List.of(steady(700)))[0]).as("somewhere else").isNull();
    }

    @Test
    void oneEmbeddingServesOneFaceOfAFrame() {
        RecentFaces recent = new RecentFaces(EVERY_FOURTH);
        recent.embedded(0, steady(300), new float[] {1});
        float[][] reused = recent.reusable(100, List.of(steady(300), steady(305)));
        assertThat(reused[0]).isNotNull();
        assertThat(reused[1]).isNull();
    }

    @Test
    void reuseOffEmbedsEverything() {
        RecentFaces recent = new RecentFaces(ReuseSettings.off());
        for (int k = 0; k < 5; k++) {
            assertThat(frame(recent, k * 100L, List.of(steady(300)))).isEqualTo(1);
        }
        assertThat(recent.size()).isZero();
    }
}
