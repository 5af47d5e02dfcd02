package io.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.embed.Vectors;
import org.junit.jupiter.api.Test;

/** A person's similarity to a face, and when it reaches the match threshold. */
class SimilarityTest {
    private static float[] unit(float... values) {
        return Vectors.l2Normalize(values);
    }

    @Test
    void isTheBestCosineWithAnyOfThePersonsEmbeddingsThroughTheOneKernel() {
        float[] face = unit(1, 1, 0);
        float[][] person = {unit(1, 0, 0), unit(0, 1, 1), unit(1, 1, 0.1f)};
        assertThat(Similarity.toPerson(face, person)).isEqualTo(Vectors.dot(person[2], face));
        assertThat(Similarity.toPerson(face, new float[][] {unit(-1, 0, 0)})).isEqualTo(Vectors.dot(unit(-1, 0, 0), face));
    }

    @Test
    void anotherRecognizersEmbeddingsAreNeverComparedAndNothingComparedIsNaN() {
        float[] face = unit(1, 0, 0);
        assertThat(Similarity.toPerson(face, new float[][] {unit(1, 0), unit(0, 1, 0)})).isEqualTo(0f);
        assertThat(Similarity.toPerson(face, new float[][] {unit(1, 0)})).isNaN();
        assertThat(Similarity.toPerson(face, new float[0][])).isNaN();
    }

    @Test
    void aScoreReachesTheThresholdAtItAndAboveAndNaNNever() {
        double threshold = 0.35f; // a threshold is kept at the precision of the scores
        assertThat(Similarity.reaches(0.35f, threshold)).isTrue();
        assertThat(Similarity.reaches(Math.nextDown(0.35f), threshold)).isFalse();
        assertThat(Similarity.reaches(1, threshold)).isTrue();
        assertThat(Similarity.reaches(Float.NaN, threshold)).isFalse();
    }
}
