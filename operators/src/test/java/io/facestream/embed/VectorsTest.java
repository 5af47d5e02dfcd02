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
    void cosineIgnoresLength() {
        assertThat(Vectors.cosine(new float[] {2, 0}, new float[] {5, 5})).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
    }
}
