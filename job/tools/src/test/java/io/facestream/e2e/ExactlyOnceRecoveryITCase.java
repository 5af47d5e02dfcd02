package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.kafka.CommittedRecords;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager is shut down mid-stream (inside the test's JVM; {@link TaskManagerProcessKillITCase}
 * kills a real process); the job restarts from its last checkpoint and the committed matches hold
 * every expected match exactly once, and no sighting is written twice.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class ExactlyOnceRecoveryITCase {
    @RegisterExtension
    static final FlinkAndKafka CLUSTER = new FlinkAndKafka();

    @TempDir
    Path checkpoints;

    @Test
    void committedMatchesHoldEveryExpectedMatchExactlyOnceAfterATaskManagerRestart(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        try (FaultRun run = new FaultRun(CLUSTER.broker(), checkpoints, "eos", Map.of())) {
            StreamExecutionEnvironment env = LocalJob.environment(run.config());
            new FaceStreamJob(run.config()).wire(env);
            try (RunningJob job = new RunningJob(env.executeAsync(run.config().get(JobOptions.JOB_NAME)))) {
                run.enroll();
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= run.people().size(), Duration.ofMinutes(2));
                // First half, until a checkpoint has committed some of its matches.
                int half = run.length() / 2;
                run.send(0, half, 0);
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= run.framesBetween(0, half), Duration.ofMinutes(3));
                try (CommittedRecords reader = new CommittedRecords(CLUSTER.broker().bootstrapServers(), run.topics().matches())) {
                    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                    while (reader.poll(Duration.ofMillis(200), record -> { }) == 0 && System.nanoTime() < deadline) {
                        // wait for the first committed checkpoint
                    }
                }
                // Second half, paced like cameras; the TaskManager stops while it is being analysed.
                Thread feed = run.sendInBackground(half, run.length(), 100);
                job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= run.framesBetween(0, half) + 8, Duration.ofMinutes(3));
                long completedBeforeFailure = job.accumulator(StreamMetrics.FRAMES_COMPLETED);
                assertThat(completedBeforeFailure).as("failure injected mid-stream").isLessThan(run.total());
                cluster.terminateTaskManager(0).get();
                cluster.startTaskManager();
                System.out.printf("TaskManager stopped after %d of %d frames%n", completedBeforeFailure, run.total());
                feed.join();

                Map<String, Integer> actual = run.awaitCommitted(Duration.ofMinutes(5));
                Accounting.Tally tally = run.tally(actual);
                ReliabilityReport.row("TaskManager shut down (in the test JVM)", "MiniCluster TaskManager terminated after "
                        + completedBeforeFailure + " frames, a new one started", tally, "job restarted from its checkpoint");
                assertThat(actual).as("committed matches after recovery (key camera/frameSeq/person -> count)")
                        .isEqualTo(run.expected());
                assertThat(tally.lost()).isZero();
                assertThat(tally.duplicated()).isZero();
                assertThat(tally.deadLetters()).isZero();
                // Tracks were restored with the rest of the state: each sighting was written once.
                Map<String, Integer> sightings = run.sightings();
                System.out.println("sightings after recovery: " + sightings);
                assertThat(sightings.keySet()).anyMatch(key -> key.startsWith("cam-franck/") && key.endsWith("/open/franck"));
                assertThat(sightings).allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
            }
        }
    }
}
