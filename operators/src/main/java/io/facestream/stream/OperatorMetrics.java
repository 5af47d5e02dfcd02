package io.facestream.stream;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** Registers the job's metrics under the "facestream" group; safe to update from worker threads. */
public final class OperatorMetrics {
    private final MetricGroup group;

    public OperatorMetrics(MetricGroup operatorGroup) {
        this.group = operatorGroup.addGroup(StreamMetrics.GROUP);
    }

    public Counter counter(String name) {
        return group.counter(name, new ThreadSafeSimpleCounter());
    }

    public SynchronizedHistogram histogram(String name) {
        return group.histogram(name, new SynchronizedHistogram(new DescriptiveStatisticsHistogram(1000)));
    }

    public MetricGroup group() {
        return group;
    }

    /** Histogram updates come from several analysis threads. */
    public static final class SynchronizedHistogram implements Histogram {
        private final Histogram delegate;

        SynchronizedHistogram(Histogram delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized void update(long value) {
            delegate.update(value);
        }

        @Override
        public synchronized long getCount() {
            return delegate.getCount();
        }

        @Override
        public synchronized org.apache.flink.metrics.HistogramStatistics getStatistics() {
            return delegate.getStatistics();
        }
    }
}
