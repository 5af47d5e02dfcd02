package io.facestream.match;

import io.facestream.embed.Vectors;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Approximate top-1 search for large galleries: an inverted file. A k-means coarse quantizer
 * splits the embeddings into {@code lists} cells; a query scans only the {@code probes} cells
 * whose centroids are closest, with the exact kernel. Rows are stored cell by cell so each probe
 * streams one contiguous block. (HNSW from hnswlib-core was measured first: building 100k
 * 512-d vectors took 229 s on 2 cores, which rules it out at a million here.)
 */
public final class IvfIndex {
    private final int dimension;
    private final float[] centroids;
    private final int lists;
    private final int[] listStart;
    private final EmbeddingRows rows;
    private final int[] originalRow;

    private IvfIndex(int dimension, float[] centroids, int lists, int[] listStart, EmbeddingRows rows, int[] originalRow) {
        this.dimension = dimension;
        this.centroids = centroids;
        this.lists = lists;
        this.listStart = listStart;
        this.rows = rows;
        this.originalRow = originalRow;
    }

    /** A search result: the row in the matrix the index was built from, and its score. */
    public record Hit(int row, float score) {
    }

    /**
     * Builds the index over the unit-length {@code matrix} rows, training the quantizer on at most
     * {@code trainingSample} rows with {@code iterations} k-means rounds.
     */
    public static IvfIndex build(EmbeddingRows matrix, int lists, int iterations, int trainingSample, long seed) {
        int count = matrix.rows();
        int dimension = matrix.dimension();
        if (count < lists) {
            throw new IllegalArgumentException("need at least as many rows (" + count + ") as lists (" + lists + ")");
        }
        Random random = new Random(seed);
        int sample = Math.min(count, Math.max(trainingSample, lists));
        int[] sampleRows = random.ints(0, count).distinct().limit(sample).toArray();
        float[] centroids = new float[lists * dimension];
        for (int c = 0; c < lists; c++) {
            System.arraycopy(matrix.row(sampleRows[c]), 0, centroids, c * dimension, dimension);
        }
        int[] assignment = new int[sample];
        for (int iteration = 0; iteration < iterations; iteration++) {
            float[] current = centroids;
            IntStream.range(0, sample).parallel().forEach(s -> assignment[s] = nearest(current, lists, matrix, sampleRows[s]));
            float[] sums = new float[lists * dimension];
            int[] sizes = new int[lists];
            for (int s = 0; s < sample; s++) {
                int c = assignment[s];
                sizes[c]++;
                float[] row = matrix.row(sampleRows[s]);
                for (int i = 0; i < dimension; i++) {
                    sums[c * dimension + i] += row[i];
                }
            }
            for (int c = 0; c < lists; c++) {
                if (sizes[c] == 0) { // an empty cell restarts at a random sample row
                    System.arraycopy(matrix.row(sampleRows[random.nextInt(sample)]), 0, sums, c * dimension, dimension);
                }
                normalize(sums, c * dimension, dimension);
            }
            centroids = sums;
        }
        float[] finalCentroids = centroids;
        int[] cellOfRow = new int[count];
        ForkJoinPool.commonPool().submit(() -> IntStream.range(0, count).parallel()
                .forEach(r -> cellOfRow[r] = nearest(finalCentroids, lists, matrix, r))).join();
        int[] listStart = new int[lists + 1];
        for (int cell : cellOfRow) {
            listStart[cell + 1]++;
        }
        for (int c = 0; c < lists; c++) {
            listStart[c + 1] += listStart[c];
        }
        int[] fill = Arrays.copyOf(listStart, lists);
        EmbeddingRows rows = new EmbeddingRows(count, dimension);
        int[] originalRow = new int[count];
        for (int r = 0; r < count; r++) {
            int slot = fill[cellOfRow[r]]++;
            rows.copyRow(matrix, r, slot);
            originalRow[slot] = r;
        }
        return new IvfIndex(dimension, finalCentroids, lists, listStart, rows, originalRow);
    }

    /** The best row among the {@code probes} closest cells. */
    public Hit search(float[] probe, int probes) {
        int wanted = Math.min(probes, lists);
        int[] best = new int[wanted];
        float[] bestScores = new float[wanted];
        Arrays.fill(bestScores, Float.NEGATIVE_INFINITY);
        for (int c = 0; c < lists; c++) { // keep the closest cells, insertion into a small sorted array
            float score = Vectors.dot(centroids, c * dimension, probe, 0, dimension);
            if (score > bestScores[wanted - 1]) {
                int at = wanted - 1;
                while (at > 0 && bestScores[at - 1] < score) {
                    bestScores[at] = bestScores[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                bestScores[at] = score;
                best[at] = c;
            }
        }
        int bestRow = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int cell : best) {
            for (int slot = listStart[cell]; slot < listStart[cell + 1]; slot++) {
                float score = rows.dot(slot, probe);
                if (score > bestScore) {
                    bestScore = score;
                    bestRow = originalRow[slot];
                }
            }
        }
        return new Hit(bestRow, bestScore);
    }

    public int lists() {
        return lists;
    }

    /** Bytes held: rows, centroids and the row map. */
    public long memoryBytes() {
        return rows.bytes() + (long) centroids.length * Float.BYTES + (long) originalRow.length * Integer.BYTES;
    }

    private static int nearest(float[] centroids, int lists, EmbeddingRows matrix, int row) {
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < lists; c++) {
            float score = matrix.dot(row, centroids, c * matrix.dimension());
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        return best;
    }

    private static void normalize(float[] v, int offset, int length) {
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += (double) v[offset + i] * v[offset + i];
        }
        float inverse = sum > 0 ? (float) (1 / Math.sqrt(sum)) : 0f;
        for (int i = 0; i < length; i++) {
            v[offset + i] *= inverse;
        }
    }
}
