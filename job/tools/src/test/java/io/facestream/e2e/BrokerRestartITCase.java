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
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker crashes (SIGKILL) mid-stream and comes back on the same data after a few seconds:
 * sources and sinks recover, and every expected match is committed exactly once.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class BrokerRestartITCase {
    @RegisterExtension
    static final FlinkAndKafka CLUSTER = new FlinkAndKafka();

    @TempDir
    Path checkpoints;

    @Test
    void aBrokerCrashMidStreamLosesAndDuplicatesNothing() throws Exception {
        try (FaultRun run = new FaultRun(CLUSTER.broker(), checkpoints, "broker-restart", Map.of())) {
            StreamExecutionEnvironment env = LocalJob.environment(run.config());
            new FaceStreamJob(run.config()).wire(env);
            try (RunningJob job = new RunningJob(env.executeAsync(run.config().get(JobOptions.JOB_NAME)))) {
                run.enroll();
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= run.people().size(), Duration.ofMinutes(2));
                Thread feed = run.sendInBackground(0, run.length(), 100);
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= run.total() / 3, Duration.ofMinutes(3));
                long before = job.accumulator(StreamMetrics.FRAMES_COMPLETED);
                CLUSTER.broker().kill();
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(6));
                CLUSTER.broker().startAgain();
                System.out.printf("broker killed after %d of %d frames, back 6 s later%n", before, run.total());
                feed.join();

                Map<String, Integer> actual = run.awaitCommitted(Duration.ofMinutes(5));
                Accounting.Tally tally = run.tally(actual);
                ReliabilityReport.row("Broker crash", "broker JVM killed (SIGKILL) after " + before + " frames, restarted on "
                        + "the same data 6 s later, cameras sending throughout", tally, "job recovered by itself");
                assertThat(actual).as("committed matches (camera/frameSeq/person -> count)").isEqualTo(run.expected());
                assertThat(tally.lost()).isZero();
                assertThat(tally.duplicated()).isZero();
                assertThat(tally.deadLetters()).isZero();
            }
        }
    }
}
