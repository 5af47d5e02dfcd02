package io.facestream.match;

import io.facestream.embed.Vectors;

/**
 * Embeddings of one dimension as rows in blocks of at most 2^30 floats. One Java array holds at
 * most 2^31 - 1 floats, which a gallery of 512-float embeddings passes at about 4.19 million:
 * blocks keep every row's offset within its own array, and search still streams through
 * contiguous memory.
 */
public final class EmbeddingRows {
    static final int MAX_BLOCK_FLOATS = 1 << 30;

    private final int dimension;
    private final int rows;
    private final int rowsPerBlock;
    private final float[][] blocks;

    public EmbeddingRows(int rows, int dimension) {
        this(rows, dimension, rowsPerBlock(dimension));
    }

    static int rowsPerBlock(int dimension) {
        return Math.max(1, MAX_BLOCK_FLOATS / Math.max(1, dimension));
    }

    /** With a chosen block size (tests use small blocks to cross block edges). */
    EmbeddingRows(int rows, int dimension, int rowsPerBlock) {
        if (rows < 0 || dimension < 0 || rowsPerBlock < 1) {
            throw new IllegalArgumentException("bad embedding rows: " + rows + " x " + dimension + ", block " + rowsPerBlock);
        }
        this.dimension = dimension;
        this.rows = rows;
        this.rowsPerBlock = rowsPerBlock;
        int[] lengths = blockLengths(rows, dimension, rowsPerBlock);
        this.blocks = new float[lengths.length][];
        for (int b = 0; b < lengths.length; b++) {
            blocks[b] = new float[lengths[b]];
        }
    }

    /** The length of each block's array; fails rather than overflow. */
    static int[] blockLengths(int rows, int dimension, int rowsPerBlock) {
        int blockCount = (int) ((rows + (long) rowsPerBlock - 1) / rowsPerBlock);
        int[] lengths = new int[blockCount];
        for (int b = 0; b < blockCount; b++) {
            long inBlock = Math.min(rowsPerBlock, rows - (long) b * rowsPerBlock);
            lengths[b] = Math.toIntExact(inBlock * dimension);
        }
        return lengths;
    }

    public int rows() {
        return rows;
    }

    public int dimension() {
        return dimension;
    }

    /** Copies {@code values} (of this dimension) into row {@code row}. */
    public void set(int row, float[] values) {
        if (values.length != dimension) {
            throw new IllegalArgumentException("row has " + values.length + " values; these rows have " + dimension);
        }
        System.arraycopy(values, 0, blocks[row / rowsPerBlock], (row % rowsPerBlock) * dimension, dimension);
    }

    /** Copies row {@code from} of {@code source} (same dimension) into row {@code row}. */
    public void copyRow(EmbeddingRows source, int from, int row) {
        System.arraycopy(source.blocks[from / source.rowsPerBlock], (from % source.rowsPerBlock) * dimension,
                blocks[row / rowsPerBlock], (row % rowsPerBlock) * dimension, dimension);
    }

    /** A copy of row {@code row}. */
    public float[] row(int row) {
        float[] values = new float[dimension];
        System.arraycopy(blocks[row / rowsPerBlock], (row % rowsPerBlock) * dimension, values, 0, dimension);
        return values;
    }

    /** Dot product of row {@code row} with {@code probe}. */
    public float dot(int row, float[] probe) {
        return dot(row, probe, 0);
    }

    /** Dot product of row {@code row} with the {@code dimension} values of {@code other} from {@code offset}. */
    public float dot(int row, float[] other, int offset) {
        return Vectors.dot(blocks[row / rowsPerBlock], (row % rowsPerBlock) * dimension, other, offset, dimension);
    }

    /** The row closest to {@code probe} by dot product (exact top-1), -1 when there are no rows. */
    public int best(float[] probe) {
        int best = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int row = 0; row < rows; row++) {
            float score = dot(row, probe);
            if (score > bestScore) {
                bestScore = score;
                best = row;
            }
        }
        return best;
    }

    /** Bytes the rows take. */
    public long bytes() {
        return (long) rows * dimension * Float.BYTES;
    }
}
