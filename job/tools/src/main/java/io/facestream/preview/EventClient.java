package io.facestream.preview;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One page's event stream. Nobody waits for it: the newest event is left for its own writer, and the events it had
 * no time for are skipped (each is the whole state, so the latest is all a page needs). A writer blocked on a page
 * that stopped reading blocks only itself; {@link #stuckFor} tells how long, so the server can drop the page.
 */
final class EventClient {
    private final HttpExchange exchange;
    private final OutputStream body;
    private final Executor writers;
    private final long endAtNanos;
    private final AtomicReference<byte[]> next = new AtomicReference<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private volatile long writeStartedNanos;
    private volatile boolean closed;

    /** A stream that ends itself after {@code lifetimeNanos} (the page reconnects at once). */
    EventClient(HttpExchange exchange, Executor writers, long lifetimeNanos) {
        this.exchange = exchange;
        this.body = exchange.getResponseBody();
        this.writers = writers;
        this.endAtNanos = System.nanoTime() + lifetimeNanos;
    }

    /** Leaves {@code event} for this page, replacing one it has not taken yet; never blocks. */
    void offer(byte[] event) {
        next.set(event);
        schedule();
    }

    private void schedule() {
        if (!closed && next.get() != null && writing.compareAndSet(false, true)) {
            try {
                writers.execute(this::drain);
            } catch (RejectedExecutionException e) { // every writer blocked on a page: this one is not served
                closed = true;
                writing.set(false);
                exchange.close(); // its EventSource tries again later, instead of waiting on a silent stream
            }
        }
    }

    private void drain() {
        try {
            byte[] event;
            while (!closed && (event = next.getAndSet(null)) != null) {
                writeStartedNanos = System.nanoTime();
                body.write(event);
                body.flush();
                writeStartedNanos = 0;
                if (System.nanoTime() > endAtNanos) {
                    end();
                }
            }
        } catch (IOException | RuntimeException e) {
            closed = true; // the page went away
        } finally {
            writeStartedNanos = 0;
            writing.set(false);
        }
        schedule(); // an event offered after the loop looked for one
    }

    /** How long the current write has been blocked, 0 when none is under way. */
    long stuckFor(long nowNanos) {
        long started = writeStartedNanos;
        return started == 0 ? 0 : nowNanos - started;
    }

    boolean closed() {
        return closed;
    }

    /** Ends the stream cleanly (the page's EventSource reconnects). */
    private void end() {
        closed = true;
        exchange.close();
    }

    /**
     * Stops writing to the page. A write blocked on it stays blocked until the server's response-time limit closes
     * the connection; nothing else waits for it.
     */
    void drop() {
        closed = true;
    }

    /** At shutdown: ends the stream if no write is blocked on it. */
    void close() {
        closed = true;
        if (!writing.get()) {
            exchange.close();
        }
    }
}
