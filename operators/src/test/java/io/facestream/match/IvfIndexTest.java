package io.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.facestream.embed.Vectors;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IvfIndexTest {
    /** People as centres, several embeddings each around their centre, like real galleries. */
    static float[] clustered(int people, int perPerson, int dimension, Random random) {
        float[] matrix = new float[people * perPerson * dimension];
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
                System.arraycopy(Vectors.l2Normalize(v), 0, matrix, (p * perPerson + k) * dimension, dimension);
            }
        }
        return matrix;
    }


    @Test
    void recallAtOneAgainstExactSearchIsAtLeast99Percent() {
        Random random = new Random(21);
        int dimension = 128;
        int count = 4000 * 4;
        float[] matrix = clustered(4000, 4, dimension, random);
        IvfIndex index = IvfIndex.build(matrix, count, dimension, 64, 6, 4000, 7);
        int hits = 0;
        int queries = 300;
        for (int q = 0; q < queries; q++) {
            int row = random.nextInt(count);
            float[] probe = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                probe[i] = matrix[row * dimension + i] + (float) random.nextGaussian() * 0.02f;
            }
            Vectors.l2Normalize(probe);
            if (index.search(probe, 8).row() == GallerySnapshot.exactBest(matrix, count, dimension, probe)) {
                hits++;
            }
        }
        assertThat(hits / (double) queries).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void probingEveryListIsExact() {
        Random random = new Random(4);
        int dimension = 64;
        float[] matrix = clustered(500, 2, dimension, random);
        IvfIndex index = IvfIndex.build(matrix, 1000, dimension, 16, 4, 1000, 1);
        for (int q = 0; q < 50; q++) {
            float[] probe = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                probe[i] = (float) random.nextGaussian();
            }
            Vectors.l2Normalize(probe);
            assertThat(index.search(probe, 16).row()).isEqualTo(GallerySnapshot.exactBest(matrix, 1000, dimension, probe));
        }
    }

    @Test
    void needsMoreRowsThanLists() {
        assertThatThrownBy(() -> IvfIndex.build(new float[8], 2, 4, 4, 1, 2, 1)).hasMessageContaining("at least as many rows");
    }
}
