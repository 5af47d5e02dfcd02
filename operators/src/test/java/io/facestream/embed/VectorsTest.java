package io.facestream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorsTest {
    @Test
    void normalisesToUnitLength() {
        float[] v = Vectors.l2Normalize(new float[] {3, 4});
        assertThat(v).containsExactly(new float[] {0.6f, 0.8f}, within(1e-6f));
        assertThat(Vectors.dot(v, v)).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void refusesZeroAndNonFiniteVectors() {
        assertThatThrownBy(() -> Vectors.l2Normalize(new float[3])).hasMessageContaining("norm 0");
        assertThatThrownBy(() -> Vectors.l2Normalize(new float[] {Float.NaN, 1})).hasMessageContaining("NaN");
    }

    @Test
    void refusesTinyNormsWhoseInverseOverflows() {
        float[] tiny = new float[512];
        tiny[0] = 1e-40f;
        assertThatThrownBy(() -> Vectors.l2Normalize(tiny)).hasMessageContaining("cannot normalise");
    }

    @Test
    void theUnrolledKernelEqualsAPlainSumAtAnyOffsetAndLength() {
        java.util.Random random = new java.util.Random(7);
        float[] matrix = new float[3 * 37 + 5];
        float[] probe = new float[37];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < probe.length; i++) {
            probe[i] = (float) random.nextGaussian();
        }
        for (int length : new int[] {0, 1, 7, 8, 9, 37}) {
            for (int row = 0; row < 3; row++) {
                double plain = 0;
                for (int i = 0; i < length; i++) {
                    plain += matrix[5 + row * 37 + i] * probe[i];
                }
                assertThat(Vectors.dot(matrix, 5 + row * 37, probe, 0, length)).isCloseTo((float) plain, within(1e-4f));
            }
        }
    }
}
