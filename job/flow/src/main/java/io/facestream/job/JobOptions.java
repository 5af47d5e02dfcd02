package io.facestream.job;

import io.facestream.config.ConfigKey;
import io.facestream.config.FacePipelineOptions;
import io.facestream.config.StreamOptions;
import java.util.ArrayList;
import java.util.List;

/** Keys of the streaming job: Kafka, checkpointing, state, Flink pass-through. */
public final class JobOptions {
    private JobOptions() {
    }

    public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = ConfigKey.string("kafka.bootstrap-servers", null,
            "Kafka bootstrap servers.").documentedDefault("none (required by the job)");
    public static final ConfigKey<String> KAFKA_FRAMES_TOPIC = ConfigKey.string("kafka.frames-topic", "frames",
            "Frames topic.");
    public static final ConfigKey<String> KAFKA_ENROLLMENTS_TOPIC = ConfigKey.string("kafka.enrollments-topic", "enrollments",
            "Enrollments topic (read from the earliest offset when the job has no state).");
    public static final ConfigKey<String> KAFKA_MATCHES_TOPIC = ConfigKey.string("kafka.matches-topic", "face-matches",
            "Matches topic.");
    public static final ConfigKey<String> KAFKA_SIGHTINGS_TOPIC = ConfigKey.string("kafka.sightings-topic", "sightings",
            "Sightings topic: a record when a track is named (`open`), renamed (`update`) and ends (`closed`).");
    public static final ConfigKey<String> KAFKA_DEAD_LETTER_TOPIC = ConfigKey.string("kafka.dead-letter-topic", "frames-dlq",
            "Dead-letter topic.");
    public static final ConfigKey<Long> KAFKA_DEAD_LETTER_MAX_BYTES = ConfigKey.longValue("kafka.dead-letter-max-bytes",
            1_048_588L, 4_096, "The largest record the dead-letter topic takes (its `max.message.bytes`; the default is "
                    + "Kafka's). A dead letter that would be larger leaves out the original value, then headers, then key, "
                    + "and says so in its `dropped` header.");
    public static final ConfigKey<Long> KAFKA_RESULTS_MAX_BYTES = ConfigKey.longValue("kafka.results-max-bytes",
            1_048_588L, 4_096, "The largest record the matches and sightings topics take (their `max.message.bytes`; the "
                    + "default is Kafka's). Every field of a result is bounded where it enters, so results stay far below; "
                    + "one that would not fit goes to the dead-letter topic with the reason, instead of failing the job.");
    public static final ConfigKey<Long> FRAMES_MAX_CLOCK_SKEW_MS = ConfigKey.longValue("frames.max-clock-skew-ms",
            300_000L, 0, "A frame whose `capture-ts` is further ahead of the TaskManager's clock is a dead letter (as are "
                    + "negative ones and ones before 2000): no camera's clock can be that far ahead.");
    public static final ConfigKey<String> KAFKA_GROUP_ID = ConfigKey.string("kafka.group-id", "facestream",
            "Consumer group (offsets committed on checkpoints, for monitoring lag).");
    public static final ConfigKey<String> KAFKA_TRANSACTIONAL_ID_PREFIX = ConfigKey.string("kafka.transactional-id-prefix",
            "facestream", "Prefix of the sinks' transactional ids; unique per job on one Kafka cluster.");
    public static final ConfigKey<Long> KAFKA_TRANSACTION_TIMEOUT_MS = ConfigKey.longValue("kafka.transaction-timeout-ms",
            900_000L, 1, "Producer transaction timeout: at most the broker's `transaction.max.timeout.ms`, well above the "
                    + "checkpoint interval.");
    public static final ConfigKey<String> KAFKA_STARTING_OFFSETS = ConfigKey.custom("kafka.starting-offsets", "committed",
            value -> {
                if (!List.of("committed", "earliest", "latest").contains(value)) {
                    throw new IllegalArgumentException("must be committed, earliest or latest");
                }
                return value;
            }, "Frames start for a job without state: `committed` (group offsets, else earliest), `earliest`, `latest`.");
    public static final ConfigKey<String> KAFKA_PROPERTIES = ConfigKey.prefix("kafka.properties.",
            "Any Kafka client property for sources and sinks, e.g. `kafka.properties.security.protocol: SASL_SSL`.");

    public static final ConfigKey<String> JOB_NAME = ConfigKey.string("job.name", "facestream", "Flink job name.");
    public static final ConfigKey<Integer> JOB_PARALLELISM = ConfigKey.integer("job.parallelism", 0, 0, 10_000,
            "Parallelism of the frame path; 0 = Flink's default.");

    public static final ConfigKey<Long> CHECKPOINT_INTERVAL_MS = ConfigKey.longValue("checkpoint.interval-ms", 10_000L, 100,
            "Exactly-once checkpoint interval; matches become visible to `read_committed` consumers at each checkpoint.")
            .documentedDefault("`10000` (local runs; on a cluster, the cluster's setting unless set)");
    public static final ConfigKey<String> CHECKPOINT_DIR = ConfigKey.string("checkpoint.dir", "checkpoints",
            "Checkpoint directory, a path or URI (a mounted volume on Kubernetes). Retained on cancel.")
            .documentedDefault("`checkpoints` (local runs; on a cluster, the cluster's `state.checkpoints.dir` unless set)");
    public static final ConfigKey<String> STATE_BACKEND = ConfigKey.custom("state.backend", "rocksdb", value -> {
        if (!value.equals("hashmap") && !value.equals("rocksdb")) {
            throw new IllegalArgumentException("must be hashmap or rocksdb");
        }
        return value;
    }, "`rocksdb` (the gallery's people on local disk, incremental checkpoints) or `hashmap` (all state on the heap).")
            .documentedDefault("`rocksdb` (local runs; on a cluster, the cluster's unless set)");

    public static final ConfigKey<String> FLINK = ConfigKey.prefix("flink.",
            "Any Flink configuration key, e.g. `flink.rest.port: 8081`, `flink.metrics.reporter.prom.port: 9249`.");

    public static List<ConfigKey<?>> jobKeys() {
        return List.of(KAFKA_BOOTSTRAP_SERVERS, KAFKA_FRAMES_TOPIC, KAFKA_ENROLLMENTS_TOPIC, KAFKA_MATCHES_TOPIC,
                KAFKA_SIGHTINGS_TOPIC, KAFKA_DEAD_LETTER_TOPIC, KAFKA_DEAD_LETTER_MAX_BYTES, KAFKA_RESULTS_MAX_BYTES, KAFKA_GROUP_ID, KAFKA_TRANSACTIONAL_ID_PREFIX, KAFKA_TRANSACTION_TIMEOUT_MS,
                KAFKA_STARTING_OFFSETS, KAFKA_PROPERTIES, FRAMES_MAX_CLOCK_SKEW_MS, JOB_NAME, JOB_PARALLELISM, CHECKPOINT_INTERVAL_MS, CHECKPOINT_DIR,
                STATE_BACKEND, FLINK);
    }

    /** Every key the job accepts: pipeline, stream and job keys. */
    public static List<ConfigKey<?>> all() {
        List<ConfigKey<?>> all = new ArrayList<>(FacePipelineOptions.all());
        all.addAll(StreamOptions.all());
        all.addAll(jobKeys());
        return all;
    }
}
