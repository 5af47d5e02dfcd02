package io.facestream.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DecodeBudgetTest {

    @Test
    void anImageWaitsWhileOthersHoldTheMemoryAndGoesOnWhenTheyGiveItBack() throws Exception {
        DecodeBudget budget = new DecodeBudget(10L << 20);
        DecodeBudget.Reservation first = budget.reserve(6L << 20);
        assertThat(budget.inUseBytes()).isEqualTo(6L << 20);
        CompletableFuture<DecodeBudget.Reservation> second = CompletableFuture.supplyAsync(() -> budget.reserve(6L << 20));
        Thread.sleep(200);
        assertThat(second).isNotDone();
        first.close();
        DecodeBudget.Reservation got = second.get(10, TimeUnit.SECONDS);
        assertThat(budget.inUseBytes()).isEqualTo(6L << 20);
        got.close();
        got.close(); // twice gives back once
        assertThat(budget.inUseBytes()).isZero();
    }

    @Test
    void anImageLargerThanTheWholeBudgetTakesAllOfItInsteadOfWaitingForever() {
        DecodeBudget budget = new DecodeBudget(1L << 20);
        try (DecodeBudget.Reservation all = budget.reserve(5L << 20)) {
            assertThat(budget.inUseBytes()).isEqualTo(1L << 20);
        }
        assertThat(budget.inUseBytes()).isZero();
    }

    @Test
    void pipelinesOfOneProcessShareOneBudget() {
        assertThat(DecodeBudget.shared(123L << 20)).isSameAs(DecodeBudget.shared(123L << 20));
    }
}
