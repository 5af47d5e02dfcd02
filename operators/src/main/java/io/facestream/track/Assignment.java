package io.facestream.track;

import java.util.Arrays;

/**
 * Optimal one-to-one assignment of rows (tracks) to columns (detections) by cost, with a gate.
 *
 * <p>Leaving a row and a column unmatched together costs {@code maxCost}, as with lapjv's {@code cost_limit} in
 * ByteTrack: the solver then minimises the matched costs plus {@code maxCost} per pair left unmatched, so a pair
 * dearer than the gate is never matched, and a pair is never matched merely to raise the number of matches
 * (which a "forbidden = huge cost" formulation would do at the expense of a better pair).
 *
 * <p>The Hungarian algorithm (Kuhn-Munkres with potentials, O(n^3)) runs on the square matrix
 * {@code [cost, dummy; dummy, 0]} of side rows + columns; face counts per frame are small.
 */
public final class Assignment {
    /** The column of each row, or this for a row left unmatched. */
    public static final int UNMATCHED = -1;

    private Assignment() {
    }

    /**
     * Matches rows to columns minimising total cost, never matching a pair whose cost exceeds {@code maxCost}
     * (NaN costs are never matched either). Returns, for each row, its column or {@link #UNMATCHED}.
     */
    public static int[] solve(double[][] cost, double maxCost) {
        if (!(maxCost >= 0) || Double.isInfinite(maxCost)) {
            throw new IllegalArgumentException("maxCost must be finite and >= 0, was " + maxCost);
        }
        int rows = cost.length;
        int cols = rows == 0 ? 0 : cost[0].length;
        int[] rowToCol = new int[rows];
        Arrays.fill(rowToCol, UNMATCHED);
        if (rows == 0 || cols == 0) {
            return rowToCol;
        }
        for (int r = 0; r < rows; r++) {
            if (cost[r].length != cols) {
                throw new IllegalArgumentException("cost matrix must be rectangular; row " + r + " has "
                        + cost[r].length + " columns, row 0 has " + cols);
            }
        }
        int[] assigned = hungarian(extended(cost, rows, cols, maxCost));
        for (int r = 0; r < rows; r++) {
            int c = assigned[r];
            // A gated pair can never beat leaving both unmatched; the check is a second lock on that promise.
            if (c < cols && cost[r][c] <= maxCost) {
                rowToCol[r] = c;
            }
        }
        return rowToCol;
    }

    /** Gated costs plus dummy rows/columns: each real row or column may go unmatched for half of maxCost. */
    private static double[][] extended(double[][] cost, int rows, int cols, double maxCost) {
        int n = rows + cols;
        // Above any cost that could win against leaving both unmatched, yet small enough for exact sums.
        double gated = 2 * maxCost + 1;
        double halfGate = maxCost / 2;
        double[][] a = new double[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                if (r < rows && c < cols) {
                    a[r][c] = cost[r][c] <= maxCost ? cost[r][c] : gated; // NaN fails the test too
                } else if (r < rows || c < cols) {
                    a[r][c] = halfGate;
                }
            }
        }
        return a;
    }

    /** Minimum-cost perfect matching of a square matrix; returns the column of each row. */
    private static int[] hungarian(double[][] a) {
        int n = a.length;
        // 1-based arrays with a virtual column 0, as in the classic potentials formulation.
        double[] u = new double[n + 1];
        double[] v = new double[n + 1];
        int[] rowOfCol = new int[n + 1];
        int[] way = new int[n + 1];
        for (int row = 1; row <= n; row++) {
            rowOfCol[0] = row;
            int col0 = 0;
            double[] minv = new double[n + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[n + 1];
            do {
                used[col0] = true;
                int r0 = rowOfCol[col0];
                double delta = Double.POSITIVE_INFINITY;
                int col1 = 0;
                for (int c = 1; c <= n; c++) {
                    if (!used[c]) {
                        double reduced = a[r0 - 1][c - 1] - u[r0] - v[c];
                        if (reduced < minv[c]) {
                            minv[c] = reduced;
                            way[c] = col0;
                        }
                        if (minv[c] < delta) {
                            delta = minv[c];
                            col1 = c;
                        }
                    }
                }
                for (int c = 0; c <= n; c++) {
                    if (used[c]) {
                        u[rowOfCol[c]] += delta;
                        v[c] -= delta;
                    } else {
                        minv[c] -= delta;
                    }
                }
                col0 = col1;
            } while (rowOfCol[col0] != 0);
            do {
                int col1 = way[col0];
                rowOfCol[col0] = rowOfCol[col1];
                col0 = col1;
            } while (col0 != 0);
        }
        int[] colOfRow = new int[n];
        for (int c = 1; c <= n; c++) {
            colOfRow[rowOfCol[c] - 1] = c - 1;
        }
        return colOfRow;
    }
}
