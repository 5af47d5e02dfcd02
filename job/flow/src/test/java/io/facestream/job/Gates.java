package io.facestream.job;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gates shared between a test and the sources it runs on the in-JVM MiniCluster, so the test
 * decides when each group of records is released (enroll, then send frames, then delete ...).
 * Sources wait on a gate without blocking their task thread, which also emits the results of
 * the async operator chained to them.
 */
final class Gates {
    private static final Map<String, CompletableFuture<Void>> GATES = new ConcurrentHashMap<>();

    private Gates() {
    }

    static void open(String gate) {
        opened(gate).complete(null);
    }

    /** Completes when the gate is opened. */
    static CompletableFuture<Void> opened(String gate) {
        return GATES.computeIfAbsent(gate, name -> new CompletableFuture<>());
    }
}
