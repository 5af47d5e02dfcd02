package io.facestream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.runtime.throwable.ThrowableClassifier;
import org.apache.flink.runtime.throwable.ThrowableType;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.junit.jupiter.api.Test;

/**
 * A transaction the broker aborted before the commit is not dropped quietly: the job stops
 * (Flink does not restart it) with a message naming the topic, the transaction and the way back.
 */
class LossGuardedSinkTest {
    /** What the committer told Flink about each request. */
    static final class Request implements Committer.CommitRequest<String> {
        final List<String> signals = new ArrayList<>();
        Throwable failure;

        @Override
        public String getCommittable() {
            return "KafkaCommittable{transactionalId='tx-matches-0-7'}";
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            signals.add("known");
            failure = t;
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            signals.add("unknown");
            failure = t;
        }

        @Override
        public void retryLater() {
            signals.add("retry");
        }

        @Override
        public void updateAndRetryLater(String committable) {
            signals.add("update");
        }

        @Override
        public void signalAlreadyCommitted() {
            signals.add("committed");
        }
    }

    @Test
    void anAbortedTransactionStopsTheJobWithoutRestartsInsteadOfBeingDiscarded() throws Exception {
        // As Flink's Kafka committer answers a commit of a transaction the broker already aborted.
        Committer<String> kafkaCommitter = new Committer<>() {
            @Override
            public void commit(java.util.Collection<CommitRequest<String>> requests) {
                requests.forEach(request -> request.signalFailedWithKnownReason(
                        new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state")));
            }

            @Override
            public void close() {
            }
        };
        Request request = new Request();
        try (var guarded = new LossGuardedSink.GuardedCommitter<>(kafkaCommitter, "face-matches", 60_000)) {
            guarded.commit(List.of(request));
        }
        assertThat(request.signals).containsExactly("unknown");
        assertThat(ThrowableClassifier.findThrowableOfThrowableType(request.failure, ThrowableType.NonRecoverableError))
                .as("Flink fails the job instead of restarting it").isPresent();
        assertThat(request.failure.getCause()).isInstanceOf(LossGuardedSink.ResultsLostException.class)
                .hasMessageContaining("topic 'face-matches'")
                .hasMessageContaining("tx-matches-0-7")
                .hasMessageContaining("kafka.transaction-timeout-ms=60000")
                .hasMessageContaining("restart it from the checkpoint before this one");
    }

    @Test
    void otherAnswersOfTheCommitterPassThrough() throws Exception {
        Request request = new Request();
        Committer<String> retrying = new Committer<>() {
            @Override
            public void commit(java.util.Collection<CommitRequest<String>> requests) {
                requests.forEach(CommitRequest::retryLater);
                requests.forEach(CommitRequest::signalAlreadyCommitted);
            }

            @Override
            public void close() {
            }
        };
        new LossGuardedSink.GuardedCommitter<>(retrying, "face-matches", 60_000).commit(List.of(request));
        assertThat(request.signals).containsExactly("retry", "committed");
    }
}
