package io.facestream.track;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.match.SignCodes;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeptFaceIndexTest {
    static float[] unit(Random random, float[] towards, double similarity) {
        float[] noise = new float[512];
        double dot = 0;
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) random.nextGaussian();
            dot += noise[i] * (towards == null ? 0 : towards[i]);
        }
        if (towards != null) { // the part of the noise orthogonal to `towards`, mixed in at the wanted angle
            for (int i = 0; i < noise.length; i++) {
                noise[i] -= (float) (dot * towards[i]);
            }
        }
        normalise(noise);
        if (towards == null) {
            return noise;
        }
        float[] out = new float[512];
        double orthogonal = Math.sqrt(1 - similarity * similarity);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (similarity * towards[i] + orthogonal * noise[i]);
        }
        return normalise(out);
    }

    static float[] normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    @Test
    void everyTrackWithAFaceAtTheThresholdIsACandidateAndFewOthersAre() {
        Random random = new Random(11);
        float[] person = unit(random, null, 0);
        KeptFaceIndex index = new KeptFaceIndex(512, 0.38, 100_000);
        int others = 5_000;
        for (int t = 0; t < others; t++) {
            index.addEnded("cam", t, new float[][] {unit(random, null, 0), unit(random, null, 0)}, t);
        }
        for (int t = 0; t < 200; t++) { // faces of the person at 0.40: just above the threshold
            index.addEnded("cam", others + t, new float[][] {unit(random, null, 0), unit(random, person, 0.40)}, others + t);
        }
        List<KeptFaceIndex.TrackRef> found = index.candidates(new float[][] {person});
        long theirs = found.stream().filter(ref -> ref.trackId() >= others).count();
        assertThat(theirs).as("recall at the threshold").isEqualTo(200);
        assertThat(found.size() - theirs).as("strangers read exactly").isLessThan(others / 100);
    }

    @Test
    void liveTracksAreReplacedPerCameraAndEndedOnesGiveBackTheOldestWhenFull() {
        Random random = new Random(3);
        float[] face = unit(random, null, 0);
        KeptFaceIndex index = new KeptFaceIndex(512, 0.38, 2);
        index.replaceLive("a", Map.of(1L, new float[][] {face}, 2L, new float[][] {face}));
        assertThat(index.liveTracks()).isEqualTo(2);
        index.replaceLive("a", Map.of(2L, new float[][] {face}));
        assertThat(index.liveTracks()).isEqualTo(1);
        assertThat(index.candidates(new float[][] {face})).containsExactly(new KeptFaceIndex.TrackRef("a", 2, true));
        index.replaceLive("a", Map.of());
        assertThat(index.liveTracks()).isZero();

        assertThat(index.addEnded("a", 1, new float[][] {face}, 10)).isEmpty();
        assertThat(index.addEnded("b", 1, new float[][] {face}, 20)).isEmpty();
        assertThat(index.addEnded("c", 1, new float[][] {face}, 30)).containsExactly(new KeptFaceIndex.TrackRef("a", 1, false));
        index.expireBefore(25);
        assertThat(index.candidates(new float[][] {face})).containsExactly(new KeptFaceIndex.TrackRef("c", 1, false));
        index.removeEnded("c", 1);
        assertThat(index.endedTracks()).isZero();
    }

    @Test
    void theDistanceLimitGrowsAsTheThresholdFalls() {
        assertThat(SignCodes.maxDistanceFor(512, 0.38)).isBetween(215, 235);
        assertThat(SignCodes.maxDistanceFor(512, 0.9)).isLessThan(SignCodes.maxDistanceFor(512, 0.38));
        assertThat(SignCodes.maxDistanceFor(512, -1)).isEqualTo(512);
    }
}
