package io.facestream.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.runtime.execution.SuppressRestartsException;

/**
 * A transactional Kafka sink that does not lose results silently. When the broker has aborted
 * the transaction of a completed checkpoint before the job could commit it (the job or the
 * broker was down longer than the transaction timeout), Flink's Kafka committer logs the loss and
 * carries on. Here the job stops instead, with a message that says what was lost and how to
 * recover (restart from the checkpoint before, see RELIABILITY.md): a restart would not bring
 * the results back, and carrying on would hide the gap from every consumer.
 */
final class LossGuardedSink<IN, S, C> implements TwoPhaseCommittingStatefulSink<IN, S, C> {
    private final TwoPhaseCommittingStatefulSink<IN, S, C> sink;
    private final String topic;
    private final long transactionTimeoutMs;

    LossGuardedSink(TwoPhaseCommittingStatefulSink<IN, S, C> sink, String topic, long transactionTimeoutMs) {
        this.sink = sink;
        this.topic = topic;
        this.transactionTimeoutMs = transactionTimeoutMs;
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, S, C> createWriter(InitContext context) throws IOException {
        return sink.createWriter(context);
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, S, C> restoreWriter(InitContext context, Collection<S> states) throws IOException {
        return sink.restoreWriter(context, states);
    }

    @Override
    public SimpleVersionedSerializer<S> getWriterStateSerializer() {
        return sink.getWriterStateSerializer();
    }

    @Override
    public Committer<C> createCommitter() throws IOException {
        return new GuardedCommitter<>(sink.createCommitter(), topic, transactionTimeoutMs);
    }

    @Override
    public SimpleVersionedSerializer<C> getCommittableSerializer() {
        return sink.getCommittableSerializer();
    }

    /** Turns "known reason" commit failures, which the Kafka committer discards, into a stop of the job. */
    static final class GuardedCommitter<C> implements Committer<C> {
        private final Committer<C> committer;
        private final String topic;
        private final long transactionTimeoutMs;

        GuardedCommitter(Committer<C> committer, String topic, long transactionTimeoutMs) {
            this.committer = committer;
            this.topic = topic;
            this.transactionTimeoutMs = transactionTimeoutMs;
        }

        @Override
        public void commit(Collection<CommitRequest<C>> requests) throws IOException, InterruptedException {
            List<CommitRequest<C>> guarded = new ArrayList<>(requests.size());
            requests.forEach(request -> guarded.add(new GuardedRequest<>(request, this)));
            committer.commit(guarded);
        }

        ResultsLostException lost(C committable, Throwable cause) {
            return new ResultsLostException("the results written to topic '" + topic + "' in transaction " + committable
                    + " are lost: the broker aborted the transaction before this job could commit it (" + cause
                    + "); the job or the broker was down longer than the transaction timeout (kafka.transaction-timeout-ms="
                    + transactionTimeoutMs + ", at most the broker's transaction.max.timeout.ms). The job stops rather than "
                    + "go on without them: restart it from the checkpoint before this one (see RELIABILITY.md, "
                    + "'Results lost to a transaction timeout') to produce them again.", cause);
        }

        @Override
        public void close() throws Exception {
            committer.close();
        }
    }

    /** A commit request whose known-reason failure stops the job, other answers passed through. */
    private record GuardedRequest<C>(Committer.CommitRequest<C> request, GuardedCommitter<C> committer)
            implements Committer.CommitRequest<C> {
        @Override
        public C getCommittable() {
            return request.getCommittable();
        }

        @Override
        public int getNumberOfRetries() {
            return request.getNumberOfRetries();
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            request.signalFailedWithUnknownReason(new SuppressRestartsException(committer.lost(request.getCommittable(), t)));
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            request.signalFailedWithUnknownReason(t);
        }

        @Override
        public void retryLater() {
            request.retryLater();
        }

        @Override
        public void updateAndRetryLater(C committable) {
            request.updateAndRetryLater(committable);
        }

        @Override
        public void signalAlreadyCommitted() {
            request.signalAlreadyCommitted();
        }
    }

    /** Results that a committed checkpoint promised are not in the topic. */
    static final class ResultsLostException extends IllegalStateException {
        ResultsLostException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
