package io.facestream.batching;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Collects items submitted from many threads (face crops of frames in flight) into batches of
 * at most {@code maxBatch}, waiting at most {@code flushTimeoutMicros} after the first item of
 * a batch, and runs one call per batch on its own thread. An exception fails the items of its
 * batch only; a {@link Error} (out of memory, a broken native library) ends the batcher: every
 * waiting and later item fails with it at once, so callers can give up instead of waiting forever.
 */
public final class MicroBatcher<I, O> implements AutoCloseable {
    private record Pending<I, O>(I item, CompletableFuture<O> result) {
    }

    private final Function<List<I>, List<O>> batchFunction;
    private final int maxBatch;
    private final long flushTimeoutNanos;
    private final BlockingQueue<Pending<I, O>> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;
    private volatile Error fatal;

    public MicroBatcher(String name, Function<List<I>, List<O>> batchFunction, int maxBatch, long flushTimeoutMicros) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.batchFunction = batchFunction;
        this.maxBatch = maxBatch;
        this.flushTimeoutNanos = TimeUnit.MICROSECONDS.toNanos(flushTimeoutMicros);
        this.worker = new Thread(this::run, name);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    public CompletableFuture<O> submit(I item) {
        CompletableFuture<O> result = new CompletableFuture<>();
        if (fatal != null) {
            result.completeExceptionally(fatal);
            return result;
        }
        if (closed) {
            result.completeExceptionally(new IllegalStateException("batcher is closed"));
            return result;
        }
        queue.add(new Pending<>(item, result));
        if (fatal != null || closed) { // ended while adding: the worker will not take it
            failRemaining();
        }
        return result;
    }

    /**
     * Submits every item and waits for all their results, in order: the caller's items may share
     * batches with other callers'. A failed batch fails the call with its cause.
     */
    public List<O> submitAll(List<I> items) {
        List<CompletableFuture<O>> futures = new ArrayList<>(items.size());
        items.forEach(item -> futures.add(submit(item)));
        List<O> results = new ArrayList<>(items.size());
        for (CompletableFuture<O> future : futures) {
            results.add(future.join());
        }
        return results;
    }

    private void run() {
        List<Pending<I, O>> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + flushTimeoutNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Pending<I, O> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                runBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Error e) {
                fatal = e;
                batch.forEach(pending -> pending.result().completeExceptionally(e));
                break;
            } finally {
                batch.clear();
            }
        }
        failRemaining();
    }

    private void runBatch(List<Pending<I, O>> batch) {
        List<I> items = new ArrayList<>(batch.size());
        batch.forEach(pending -> items.add(pending.item()));
        try {
            List<O> outputs = batchFunction.apply(items);
            if (outputs.size() != items.size()) {
                throw new IllegalStateException("batch function returned " + outputs.size() + " results for " + items.size());
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(outputs.get(i));
            }
        } catch (RuntimeException e) {
            batch.forEach(pending -> pending.result().completeExceptionally(e));
        }
    }

    private void failRemaining() {
        Throwable reason = fatal != null ? fatal : new IllegalStateException("batcher closed");
        for (Pending<I, O> pending; (pending = queue.poll()) != null; ) {
            pending.result().completeExceptionally(reason);
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failRemaining();
    }
}
