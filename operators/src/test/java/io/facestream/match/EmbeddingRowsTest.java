package io.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.facestream.embed.Vectors;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rows split across blocks behave as one matrix, and the blocks keep every array under Java's limit. */
class EmbeddingRowsTest {
    @Test
    void rowsAcrossBlockEdgesAreStoredSearchedAndCopiedLikeOneMatrix() {
        Random random = new Random(5);
        int dimension = 13;
        EmbeddingRows blocked = new EmbeddingRows(50, dimension, 7); // 8 blocks, the last one short
        float[][] plain = new float[50][];
        for (int r = 0; r < 50; r++) {
            plain[r] = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                plain[r][i] = (float) random.nextGaussian();
            }
            Vectors.l2Normalize(plain[r]);
            blocked.set(r, plain[r]);
        }
        for (int r = 0; r < 50; r++) {
            assertThat(blocked.row(r)).containsExactly(plain[r]);
        }
        float[] probe = plain[36].clone();
        assertThat(blocked.best(probe)).isEqualTo(36);
        assertThat(blocked.dot(36, probe)).isCloseTo(1f, within(1e-5f));
        EmbeddingRows copy = new EmbeddingRows(50, dimension, 11);
        for (int r = 0; r < 50; r++) {
            copy.copyRow(blocked, r, 49 - r);
        }
        assertThat(copy.row(13)).containsExactly(plain[36]);
    }

    @Test
    void aGalleryPastTwoToTheThirtyOneFloatsIsLaidOutInBlocksThatEachFitAJavaArray() {
        // 4.2 million embeddings of 512 floats: 2.15e9 floats, past one int-indexed array.
        int rows = 4_200_000;
        int dimension = 512;
        int[] lengths = EmbeddingRows.blockLengths(rows, dimension, EmbeddingRows.rowsPerBlock(dimension));
        assertThat(java.util.Arrays.stream(lengths).boxed().toList()).hasSize(3)
                .allSatisfy(length -> assertThat(length).isPositive().isLessThanOrEqualTo(1 << 30));
        assertThat(java.util.Arrays.stream(lengths).asLongStream().sum()).isEqualTo((long) rows * dimension);
    }
}
