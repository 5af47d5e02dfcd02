package io.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.facestream.embed.Vectors;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IvfIndexTest {
    /** People as centres, several embeddings each around their centre, like real galleries. */
    static EmbeddingRows clustered(int people, int perPerson, int dimension, Random random) {
        EmbeddingRows matrix = new EmbeddingRows(people * perPerson, dimension);
        for (int p = 0; p < people; p++) {
            float[] centre = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                centre[i] = (float) random.nextGaussian();
            }
            Vectors.l2Normalize(centre);
            for (int k = 0; k < perPerson; k++) {
                float[] v = new float[dimension];
                for (int i = 0; i < dimension; i++) {
                    v[i] = centre[i] + (float) random.nextGaussian() * 0.02f;
                }
                matrix.set(p * perPerson + k, Vectors.l2Normalize(v));
            }
        }
        return matrix;
    }


    @Test
    void recallAtOneAgainstExactSearchIsAtLeast99Percent() {
        Random random = new Random(21);
        int dimension = 128;
        int count = 4000 * 4;
        EmbeddingRows matrix = clustered(4000, 4, dimension, random);
        IvfIndex index = IvfIndex.build(matrix, 64, 6, 4000, 7);
        int hits = 0;
        int queries = 300;
        for (int q = 0; q < queries; q++) {
            int row = random.nextInt(count);
            float[] probe = matrix.row(row);
            for (int i = 0; i < dimension; i++) {
                probe[i] += (float) random.nextGaussian() * 0.02f;
            }
            Vectors.l2Normalize(probe);
            if (index.search(probe, 8).row() == matrix.best(probe)) {
                hits++;
            }
        }
        assertThat(hits / (double) queries).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void probingEveryListIsExact() {
        Random random = new Random(4);
        int dimension = 64;
        EmbeddingRows matrix = clustered(500, 2, dimension, random);
        IvfIndex index = IvfIndex.build(matrix, 16, 4, 1000, 1);
        for (int q = 0; q < 50; q++) {
            float[] probe = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                probe[i] = (float) random.nextGaussian();
            }
            Vectors.l2Normalize(probe);
            assertThat(index.search(probe, 16).row()).isEqualTo(matrix.best(probe));
        }
    }

    @Test
    void needsMoreRowsThanLists() {
        assertThatThrownBy(() -> IvfIndex.build(new EmbeddingRows(2, 4), 4, 1, 2, 1)).hasMessageContaining("at least as many rows");
    }
}
