package io.facestream.job.archfixture;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A test fixture that breaks the rule "the job is the dataflow only": it starts a local Flink with its web UI. */
public final class StartsALocalWebUi {
    private StartsALocalWebUi() {
    }

    public static StreamExecutionEnvironment start() {
        return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(new Configuration());
    }
}
