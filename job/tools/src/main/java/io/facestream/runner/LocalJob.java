package io.facestream.runner;

import io.facestream.config.FaceStreamConfig;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job run from this machine ({@code ./facestream job}, the demo, the benchmarks, the end-to-end tests): on the
 * cluster the context provides, else on a local Flink with its web UI, configured as
 * {@link FaceStreamJob#flinkConfiguration} says a local run is (loopback only, no jar uploads). The deployed job never
 * comes here: its entry point is {@link FaceStreamJob#main}.
 */
public final class LocalJob {
    private LocalJob() {
    }

    /** The job's Flink environment; with no cluster to submit to, a local one serving the web UI. */
    public static StreamExecutionEnvironment environment(FaceStreamConfig config) {
        StreamExecutionEnvironment env = FaceStreamJob.environment(config);
        if (env instanceof LocalStreamEnvironment) {
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(FaceStreamJob.flinkConfiguration(config, true));
        }
        return env;
    }

    /**
     * Builds the job with its Kafka sources and sinks (after checking that Kafka accepts it) and starts it; closing the
     * handle cancels it.
     */
    public static RunningJob start(FaceStreamConfig config) throws Exception {
        StreamExecutionEnvironment env = environment(config);
        new FaceStreamJob(config).wire(env);
        return new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)));
    }

    /** Runs the job until it is cancelled (Ctrl-C). */
    public static void run(FaceStreamConfig config) throws Exception {
        StreamExecutionEnvironment env = environment(config);
        new FaceStreamJob(config).wire(env);
        env.execute(config.get(JobOptions.JOB_NAME));
    }
}
