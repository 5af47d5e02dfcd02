package io.facestream.align;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SimilarityTransformTest {
    static final float[] TEMPLATE = {38.2946f, 51.6963f, 73.5318f, 51.5014f, 56.0252f, 71.7366f, 41.5493f, 92.3655f,
        70.7299f, 92.2041f};

    static float[] transform(float[] points, double scale, double angle, double tx, double ty) {
        float[] out = new float[points.length];
        double a = scale * Math.cos(angle);
        double b = scale * Math.sin(angle);
        for (int i = 0; i < points.length / 2; i++) {
            double x = points[2 * i];
            double y = points[2 * i + 1];
            out[2 * i] = (float) (a * x - b * y + tx);
            out[2 * i + 1] = (float) (b * x + a * y + ty);
        }
        return out;
    }

    @Test
    void recoversAKnownTransform() {
        float[] moved = transform(TEMPLATE, 2.5, Math.toRadians(30), 100, -40);
        SimilarityTransform t = SimilarityTransform.estimate(TEMPLATE, moved);
        assertThat(t.scale()).isCloseTo(2.5, within(1e-4));
        assertThat(Math.toDegrees(t.rotationRadians())).isCloseTo(30, within(1e-3));
        assertThat(t.tx()).isCloseTo(100, within(1e-2));
        assertThat(t.ty()).isCloseTo(-40, within(1e-2));
    }

    @Test
    void theInverseDirectionMapsAFaceOntoTheTemplate() {
        float[] face = transform(TEMPLATE, 3.1, Math.toRadians(-12), 400, 250);
        SimilarityTransform t = SimilarityTransform.estimate(face, TEMPLATE);
        for (int i = 0; i < 5; i++) {
            double[] p = t.apply(face[2 * i], face[2 * i + 1]);
            assertThat(p[0]).isCloseTo(TEMPLATE[2 * i], within(1e-3));
            assertThat(p[1]).isCloseTo(TEMPLATE[2 * i + 1], within(1e-3));
        }
    }

    @Test
    void isTheLeastSquaresFitUnderNoise() {
        Random random = new Random(7);
        float[] noisy = transform(TEMPLATE, 1.7, Math.toRadians(5), 20, 30);
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] += (float) random.nextGaussian() * 0.5f;
        }
        SimilarityTransform best = SimilarityTransform.estimate(TEMPLATE, noisy);
        double bestError = error(best, noisy);
        // Any nudge of the fitted parameters makes the squared error worse.
        double[] deltas = {1e-3, -1e-3};
        for (double d : deltas) {
            assertThat(error(new SimilarityTransform(best.a() + d, best.b(), best.tx(), best.ty()), noisy)).isGreaterThan(bestError);
            assertThat(error(new SimilarityTransform(best.a(), best.b() + d, best.tx(), best.ty()), noisy)).isGreaterThan(bestError);
            assertThat(error(new SimilarityTransform(best.a(), best.b(), best.tx() + d, best.ty()), noisy)).isGreaterThan(bestError);
            assertThat(error(new SimilarityTransform(best.a(), best.b(), best.tx(), best.ty() + d), noisy)).isGreaterThan(bestError);
        }
    }

    @Test
    void refusesDegeneratePoints() {
        assertThatThrownBy(() -> SimilarityTransform.estimate(new float[10], TEMPLATE)).hasMessageContaining("coincide");
        assertThatThrownBy(() -> SimilarityTransform.estimate(new float[4], TEMPLATE)).hasMessageContaining("equal lists");
    }

    private static double error(SimilarityTransform t, float[] target) {
        double sum = 0;
        for (int i = 0; i < 5; i++) {
            double[] p = t.apply(TEMPLATE[2 * i], TEMPLATE[2 * i + 1]);
            sum += Math.pow(p[0] - target[2 * i], 2) + Math.pow(p[1] - target[2 * i + 1], 2);
        }
        return sum;
    }
}
