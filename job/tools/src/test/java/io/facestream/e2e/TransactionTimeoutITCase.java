package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker is down longer than its transaction.max.timeout.ms (8 s here), so it aborts the
 * job's open transactions. The job must not drop committed-pending results silently: either
 * every expected match is committed exactly once (the aborted transactions belonged to
 * checkpoints that never completed, and the frames are analysed again), or the job stops with
 * the message that names the lost transaction (see LossGuardedSink and RELIABILITY.md).
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class TransactionTimeoutITCase {
    @RegisterExtension
    static final FlinkAndKafka CLUSTER = new FlinkAndKafka(Map.of("transaction.max.timeout.ms", "8000",
            "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));

    @TempDir
    Path checkpoints;

    @Test
    void aDowntimeLongerThanTheTransactionTimeoutNeverLosesResultsSilently() throws Exception {
        try (FaultRun run = new FaultRun(CLUSTER.broker(), checkpoints, "tx-timeout",
                Map.of(JobOptions.KAFKA_TRANSACTION_TIMEOUT_MS.name(), "8000"))) {
            StreamExecutionEnvironment env = LocalJob.environment(run.config());
            new FaceStreamJob(run.config()).wire(env);
            try (RunningJob job = new RunningJob(env.executeAsync(run.config().get(JobOptions.JOB_NAME)))) {
                run.enroll();
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= run.people().size(), Duration.ofMinutes(2));
                Thread feed = run.sendInBackground(0, run.length(), 100);
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= run.total() / 3, Duration.ofMinutes(3));
                long before = job.accumulator(StreamMetrics.FRAMES_COMPLETED);
                CLUSTER.broker().kill();
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(20)); // well past the 8 s transaction timeout
                CLUSTER.broker().startAgain();
                feed.join();

                Map<String, Integer> actual = run.awaitCommitted(Duration.ofMinutes(4));
                Accounting.Tally tally = run.tally(actual);
                boolean stoppedLoudly = job.status() == JobStatus.FAILED && ExceptionUtils.findThrowableWithMessage(
                        job.client().getJobExecutionResult().handle((result, error) -> error).get(), "are lost").isPresent();
                ReliabilityReport.row("Downtime beyond the transaction timeout", "broker down 20 s after " + before
                        + " frames, transaction.max.timeout.ms 8 s (aborted by the broker)", tally,
                        stoppedLoudly ? "job stopped: results of a completed checkpoint lost (named in the error)"
                                : "nothing committed was pending: frames analysed again");
                assertThat(tally.duplicated()).isZero();
                if (!stoppedLoudly) {
                    assertThat(actual).as("committed matches (camera/frameSeq/person -> count)").isEqualTo(run.expected());
                    assertThat(tally.lost()).isZero();
                }
            }
        }
    }
}
