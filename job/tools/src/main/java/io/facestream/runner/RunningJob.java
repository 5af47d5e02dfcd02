package io.facestream.runner;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/** A submitted job, with its accumulators readable while it runs (sums over all subtasks). */
public final class RunningJob implements AutoCloseable {
    private final JobClient client;

    public RunningJob(JobClient client) {
        this.client = client;
    }

    public JobClient client() {
        return client;
    }

    public long accumulator(String name) {
        try {
            Map<String, Object> values = client.getAccumulators().get(10, TimeUnit.SECONDS);
            Object value = values.get(name);
            return value instanceof Number number ? number.longValue() : 0L;
        } catch (Exception e) {
            return 0L; // not available while the job (re)starts
        }
    }

    public JobStatus status() {
        try {
            return client.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return JobStatus.INITIALIZING;
        }
    }

    /** Waits until the accumulator satisfies {@code condition}; fails if the job ends or time runs out. */
    public long await(String name, LongPredicate condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long value = accumulator(name);
        while (!condition.test(value)) {
            if (status().isGloballyTerminalState()) {
                throw new IllegalStateException("job ended (" + status() + ") while waiting for " + name + " (at " + value + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + name + " (at " + value + ")");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            value = accumulator(name);
        }
        return value;
    }

    /**
     * Stops the job with a savepoint in {@code directory}, not drained (open tracks and waiting frames travel in it);
     * returns where the savepoint is.
     */
    public String stopWithSavepoint(java.nio.file.Path directory, Duration timeout) throws Exception {
        return client.stopWithSavepoint(false, directory.toUri().toString(),
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            if (!status().isGloballyTerminalState()) {
                client.cancel().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // already gone
        }
    }
}
