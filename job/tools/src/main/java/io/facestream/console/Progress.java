package io.facestream.console;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One line on the terminal saying how far a long step is: done of total, rate, time left. It is redrawn in place
 * every {@code every}; output printed through {@link #above} goes above it. Off, it prints nothing at all.
 */
public final class Progress implements AutoCloseable {
    /** Set by the launcher when stderr is a terminal (Java cannot ask that of stderr itself). */
    static final String TERMINAL_PROPERTY = "facestream.terminal";
    /** The unit of a step that lasts a given time. */
    public static final String SECONDS = "s";

    /**
     * How far a step is. {@code total} 0: not known; {@code totalFinal} false: the total still grows (frames still
     * being sent), so no time left is given.
     */
    public record Count(long done, long total, boolean totalFinal) {
        public static Count of(long done, long total) {
            return new Count(done, total, true);
        }
    }

    private final PrintWriter err;
    private final String label;
    private final String unit;
    private final Supplier<Count> count;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService ticker;
    private int drawnWidth;
    private Count last = new Count(0, 0, false);
    /** When every unit was done: the rate is given up to then, not diluted by the wait that may follow. */
    private long finishedNanos;
    private boolean closed;

    private Progress(PrintWriter err, String label, String unit, Supplier<Count> count, Duration every) {
        this.err = err;
        this.label = label;
        this.unit = unit;
        this.count = count;
        if (err == null) {
            this.ticker = null;
            return;
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "progress " + label);
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(this::tick, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether to show progress: as asked ({@code --progress}/{@code --no-progress}), else on a terminal unless the
     * output is JSON for a program to read.
     */
    public static boolean wanted(Boolean asked, boolean json) {
        return asked != null ? asked : !json && Boolean.getBoolean(TERMINAL_PROPERTY);
    }

    /** No line: {@link #above} just prints. */
    public static Progress off() {
        return new Progress(null, "", "", () -> null, Duration.ZERO);
    }

    /** A progress line for the step {@code label}, redrawn every {@code every}; nothing when not {@code shown}. */
    public static Progress start(boolean shown, PrintWriter err, String label, String unit, Supplier<Count> count,
                                 Duration every) {
        return new Progress(shown ? err : null, label, unit, count, every);
    }

    public static Progress start(boolean shown, PrintWriter err, String label, String unit, Supplier<Count> count) {
        return start(shown, err, label, unit, count, Duration.ofSeconds(1));
    }

    /** Prints through {@code print} with the progress line out of the way, then draws it again below. */
    public synchronized void above(Runnable print) {
        erase();
        print.run();
        if (ticker != null && !closed) {
            draw(last);
        }
    }

    /** Counts outside the lock (a job's counters may take a while to read), then draws. */
    private void tick() {
        Count now = count.get();
        synchronized (this) {
            if (!ticker.isShutdown()) {
                last = now;
                draw(now);
            }
        }
    }

    private void draw(Count now) {
        if (finishedNanos == 0 && now.totalFinal() && now.total() > 0 && now.done() >= now.total()) {
            finishedNanos = System.nanoTime();
        }
        String line = line(label, unit, now, (finishedNanos != 0 ? finishedNanos : System.nanoTime()) - startNanos);
        err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
        err.flush();
        drawnWidth = line.length();
    }

    private void erase() {
        if (ticker != null && drawnWidth > 0) {
            err.print("\r" + " ".repeat(drawnWidth) + "\r");
            err.flush();
            drawnWidth = 0;
        }
    }

    /** Stops redrawing; the last line stays, finished by a newline. Closing again does nothing. */
    @Override
    public void close() {
        if (ticker == null) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        Count now = count.get();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ticker.shutdownNow();
            draw(now);
            err.println();
            err.flush();
            drawnWidth = 0;
        }
    }

    /** E.g. {@code demo: 412/1153 frames (36%), 58.1 frames/s, about 0:13 left}. */
    static String line(String label, String unit, Count count, long elapsedNanos) {
        StringBuilder line = new StringBuilder(label).append(": ").append(count.done());
        if (count.total() > 0) {
            line.append(count.totalFinal() ? "/" : " of ").append(count.total()).append(count.totalFinal() ? "" : "+");
        }
        line.append(' ').append(unit);
        if (count.total() > 0 && count.totalFinal()) {
            line.append(String.format(Locale.ROOT, " (%d%%)", Math.min(100, 100 * count.done() / count.total())));
        }
        double seconds = elapsedNanos / 1e9;
        if (seconds >= 1 && count.done() > 0) {
            double rate = count.done() / seconds;
            if (!unit.equals(SECONDS)) { // a step counted in seconds goes at one per second
                line.append(String.format(Locale.ROOT, ", %.1f %s/s", rate, unit));
            }
            if (count.total() > 0 && count.totalFinal() && count.done() < count.total()) {
                line.append(", about ").append(clock(Math.round((count.total() - count.done()) / rate))).append(" left");
            }
        }
        return line.toString();
    }

    /** Seconds as m:ss, or h:mm:ss from an hour on. */
    static String clock(long seconds) {
        long hours = seconds / 3600;
        long minutes = seconds / 60 % 60;
        long rest = seconds % 60;
        return hours > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, rest)
                : String.format(Locale.ROOT, "%d:%02d", minutes, rest);
    }
}
