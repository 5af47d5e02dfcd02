package io.facestream.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {
    @Test
    void itemsFromManyThreadsAreBatchedUpToTheMaximumAndEachGetsItsOwnResult() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (MicroBatcher<Integer, Integer> batcher = new MicroBatcher<>("test", items -> {
            awaitQuietly(release);
            batchSizes.add(items.size());
            return items.stream().map(i -> i * 10).toList();
        }, 4, 50_000)) {
            List<CompletableFuture<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                results.add(batcher.submit(i));
            }
            release.countDown();
            for (int i = 0; i < 10; i++) {
                assertThat(results.get(i).get()).isEqualTo(i * 10);
            }
        }
        assertThat(batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 4));
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        assertThat(batchSizes).contains(4);
    }

    @Test
    void submitAllReturnsEachItemsResultInOrder() {
        try (MicroBatcher<Integer, Integer> batcher = new MicroBatcher<>("test", items -> items.stream().map(i -> -i).toList(),
                3, 1_000)) {
            assertThat(batcher.submitAll(List.of(1, 2, 3, 4, 5))).containsExactly(-1, -2, -3, -4, -5);
        }
    }

    @Test
    void aLoneItemIsFlushedAfterTheTimeout() throws Exception {
        try (MicroBatcher<String, String> batcher = new MicroBatcher<>("test", items -> items, 8, 1_000)) {
            long start = System.nanoTime();
            assertThat(batcher.submit("x").get()).isEqualTo("x");
            assertThat((System.nanoTime() - start) / 1e6).isLessThan(1_000);
        }
    }

    @Test
    void aFailingBatchFailsEveryItemInIt() {
        try (MicroBatcher<String, String> batcher = new MicroBatcher<>("test", items -> {
            throw new IllegalStateException("model exploded");
        }, 8, 1_000)) {
            CompletableFuture<String> result = batcher.submit("x");
            assertThatThrownBy(result::join).isInstanceOf(CompletionException.class).hasMessageContaining("model exploded");
        }
    }

    @Test
    void anErrorInTheBatchFunctionFailsEveryWaitingAndLaterItemAtOnce() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (MicroBatcher<String, String> batcher = new MicroBatcher<>("test", items -> {
            started.countDown();
            awaitQuietly(release);
            throw new InternalError("native arena exhausted");
        }, 1, 1_000)) {
            CompletableFuture<String> first = batcher.submit("a");
            awaitQuietly(started);
            CompletableFuture<String> waiting = batcher.submit("b");
            release.countDown();
            assertThatThrownBy(first::join).hasCauseInstanceOf(InternalError.class);
            assertThatThrownBy(waiting::join).hasCauseInstanceOf(InternalError.class);
            assertThatThrownBy(() -> batcher.submit("c").join()).hasCauseInstanceOf(InternalError.class)
                    .hasMessageContaining("native arena exhausted");
        }
    }

    @Test
    void submittingAfterCloseFails() {
        MicroBatcher<String, String> batcher = new MicroBatcher<>("test", items -> items, 8, 1_000);
        batcher.close();
        assertThatThrownBy(() -> batcher.submit("x").join()).hasMessageContaining("closed");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
