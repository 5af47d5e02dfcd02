package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.FaceStreamConfig;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades and rescaling: the job is stopped with a savepoint and started again from it with
 * parallelism 1, then 2, then 1. The gallery (enrolled once, before the first stop) survives, and
 * every frame of every run is matched exactly once.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class RescaleFromSavepointITCase {
    @RegisterExtension
    static final FlinkAndKafka CLUSTER = new FlinkAndKafka();

    @TempDir
    Path checkpoints;

    @TempDir
    Path savepoints;

    @Test
    void stopWithSavepointAndRestartAtParallelismOneTwoOneKeepsEveryResultExactlyOnce() throws Exception {
        try (FaultRun run = new FaultRun(CLUSTER.broker(), checkpoints, "rescale", Map.of())) {
            int third = run.length() / 3;
            String savepoint = runUntilSavepoint(run, 1, null, 0, third, true);
            savepoint = runUntilSavepoint(run, 2, savepoint, third, 2 * third, false);
            runUntilSavepoint(run, 1, savepoint, 2 * third, run.length(), false);

            Map<String, Integer> actual = run.awaitCommitted(Duration.ofMinutes(3));
            Accounting.Tally tally = run.tally(actual);
            ReliabilityReport.row("Stop with savepoint, rescale", "three runs: parallelism 1, then 2 and 1 again, each "
                    + "restored from the previous one's savepoint, a third of the frames each", tally, "gallery kept");
            assertThat(actual).as("committed matches (camera/frameSeq/person -> count)").isEqualTo(run.expected());
            assertThat(tally.lost()).isZero();
            assertThat(tally.duplicated()).isZero();
            assertThat(tally.deadLetters()).isZero();
        }
    }

    /** One run of the job: restored from {@code savepoint} when given, frames [from, to) sent, then stopped with a savepoint. */
    private String runUntilSavepoint(FaultRun run, int parallelism, String savepoint, int from, int to, boolean enroll)
            throws Exception {
        Map<String, String> values = new java.util.HashMap<>(run.config().asMap());
        values.put(JobOptions.JOB_PARALLELISM.name(), Integer.toString(parallelism));
        if (savepoint != null) {
            values.put("flink.execution.savepoint.path", savepoint);
        }
        FaceStreamConfig config = FaceStreamConfig.of(values, JobOptions.all());
        StreamExecutionEnvironment env = LocalJob.environment(config);
        new FaceStreamJob(config).wire(env);
        try (RunningJob job = new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)))) {
            if (enroll) {
                run.enroll();
                job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= run.people().size(), Duration.ofMinutes(2));
            }
            run.send(from, to, 0);
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= run.framesBetween(from, to), Duration.ofMinutes(3));
            String path = job.client().stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(3, TimeUnit.MINUTES);
            System.out.printf("run at parallelism %d: frames %d..%d, stopped with savepoint %s%n", parallelism, from, to, path);
            return path;
        }
    }
}
