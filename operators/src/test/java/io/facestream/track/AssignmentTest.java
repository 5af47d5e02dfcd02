package io.facestream.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AssignmentTest {
    private static final int U = Assignment.UNMATCHED;

    @Test
    void findsTheOptimumWhereGreedyWouldNot() {
        // Greedy takes the cheapest pair (0,0)=0.1 first and is left with (1,1)=0.9: total 1.0.
        // The optimum crosses over: (0,1)+(1,0) = 0.2+0.3 = 0.5.
        double[][] cost = {{0.1, 0.2}, {0.3, 0.9}};
        assertThat(Assignment.solve(cost, 1.0)).containsExactly(1, 0);
    }

    @Test
    void findsTheOptimumOnA3x3() {
        double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
        // Optimum 1 + 2 + 2 = 5: row 0 -> col 1, row 1 -> col 0, row 2 -> col 2.
        assertThat(Assignment.solve(cost, 10)).containsExactly(1, 0, 2);
    }

    @Test
    void neverMatchesAPairAboveTheGate() {
        double[][] cost = {{0.2, 0.95}, {0.95, 0.95}};
        assertThat(Assignment.solve(cost, 0.7)).containsExactly(0, U);
    }

    @Test
    void doesNotGiveUpAGoodPairJustToMatchMorePairs() {
        // Matching both rows needs (0,1)+(1,0) = 1.3; keeping the strong (0,0) and leaving row 1 and column 1
        // unmatched costs 0.1 + 0.7.
        double[][] cost = {{0.1, 0.65}, {0.65, 0.99}};
        assertThat(Assignment.solve(cost, 0.7)).containsExactly(0, U);
    }

    @Test
    void handlesRectangularMatricesBothWays() {
        assertThat(Assignment.solve(new double[][] {{0.5, 0.1, 0.3}}, 1)).containsExactly(1);
        assertThat(Assignment.solve(new double[][] {{0.5}, {0.1}, {0.3}}, 1)).containsExactly(U, 0, U);
    }

    @Test
    void handlesNoRowsAndNoColumns() {
        assertThat(Assignment.solve(new double[0][0], 0.7)).isEmpty();
        assertThat(Assignment.solve(new double[3][0], 0.7)).containsExactly(U, U, U);
    }

    @Test
    void neverMatchesNaNCosts() {
        assertThat(Assignment.solve(new double[][] {{Double.NaN, 0.2}}, 0.7)).containsExactly(1);
    }

    @Test
    void rejectsABadGateAndARaggedMatrix() {
        assertThatThrownBy(() -> Assignment.solve(new double[][] {{0.1}}, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxCost").hasMessageContaining("NaN");
        assertThatThrownBy(() -> Assignment.solve(new double[][] {{0.1, 0.2}, {0.3}}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 1 has 1 columns");
    }
}
