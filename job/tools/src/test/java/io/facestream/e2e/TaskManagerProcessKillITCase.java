package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Flink cluster of processes; its TaskManager process is killed with SIGKILL
 * mid-stream (no graceful shutdown), a new one starts, and the job recovers from its checkpoint
 * with every expected match committed exactly once.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class TaskManagerProcessKillITCase {
    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    @TempDir
    Path checkpoints;

    @TempDir
    Path clusterDirectory;

    @Test
    void aKilledTaskManagerProcessLosesAndDuplicatesNothing() throws Exception {
        try (FlinkProcessCluster cluster = FlinkProcessCluster.start(clusterDirectory, 2);
             FaultRun run = new FaultRun(KAFKA.broker(), checkpoints, "tm-kill", Map.of())) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment("127.0.0.1", cluster.restPort(),
                    FaceStreamJob.flinkConfiguration(run.config(), false));
            new FaceStreamJob(run.config()).wire(env);
            try (RunningJob job = new RunningJob(env.executeAsync(run.config().get(JobOptions.JOB_NAME)))) {
                run.enroll();
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= run.people().size(), Duration.ofMinutes(3));
                Thread feed = run.sendInBackground(0, run.length(), 100);
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= run.total() / 3, Duration.ofMinutes(3));
                long before = job.accumulator(StreamMetrics.FRAMES_COMPLETED);
                cluster.killTaskManager(0);
                cluster.startTaskManager();
                System.out.printf("TaskManager process killed after %d of %d frames%n", before, run.total());
                feed.join();

                Map<String, Integer> actual = run.awaitCommitted(Duration.ofMinutes(5));
                Accounting.Tally tally = run.tally(actual);
                ReliabilityReport.row("TaskManager process killed", "SIGKILL to the TaskManager's JVM after " + before
                        + " frames (JobManager and TaskManager in processes of their own), a new TaskManager started",
                        tally, "job restarted from its checkpoint");
                assertThat(actual).as("committed matches (camera/frameSeq/person -> count)").isEqualTo(run.expected());
                assertThat(tally.lost()).isZero();
                assertThat(tally.duplicated()).isZero();
                assertThat(tally.deadLetters()).isZero();
            }
        }
    }
}
