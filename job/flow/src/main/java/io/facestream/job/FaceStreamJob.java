package io.facestream.job;

import io.facestream.config.ConfigException;
import io.facestream.config.FaceStreamConfig;
import io.facestream.match.Person;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.DeadLetterSerializationSchema;
import io.facestream.serde.EnrollmentDeserializationSchema;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.FrameDeserializationSchema;
import io.facestream.serde.FrameRecord;
import io.facestream.serde.MatchRecord;
import io.facestream.serde.MatchSerializationSchema;
import io.facestream.serde.RecordBudget;
import io.facestream.serde.SightingSerializationSchema;
import io.facestream.stream.AnalyzedFrame;
import io.facestream.stream.DeadLetters;
import io.facestream.stream.EnrollmentFunction;
import io.facestream.stream.FaceAnalysisAsyncFunction;
import io.facestream.stream.FrameRouter;
import io.facestream.stream.FrameValidationFunction;
import io.facestream.stream.GalleryDirectory;
import io.facestream.stream.GalleryShardOperator;
import io.facestream.stream.MatchGatherFunction;
import io.facestream.stream.MatchRecords;
import io.facestream.stream.MatchedFrame;
import io.facestream.stream.ShardMatches;
import io.facestream.stream.SightingsOperator;
import io.facestream.stream.StreamSettings;
import io.facestream.track.Sighting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The facestream dataflow: frames from Kafka are validated, analysed in an async operator
 * (decode, detect, align, embed), matched against the sharded gallery, written to Kafka as
 * per-face matches and, tracked per camera, as sightings, exactly once; enrollments (and
 * {@code gallery.dir} at start) update the gallery and are matched back against recent unnamed
 * tracks; everything unprocessable goes to the dead-letter topic. Settings are resolved when the job is created, so
 * a bad one fails before anything is submitted. Sources are parameters of {@link #build} and
 * sinks are attached by {@link #wire}, so tests run the same topology on in-memory data.
 */
public final class FaceStreamJob {
    /** What {@link #build} returns: the outputs, before sinks are attached; {@code matches} is null when switched off. */
    public record Outputs(DataStream<MatchRecord> matches, DataStream<Sighting> sightings, DataStream<DeadLetter> deadLetters) {
    }

    private final FaceStreamConfig config;
    private final StreamSettings settings;

    /** Resolves and checks every setting (models, files, gallery directory); fails naming the key. */
    public FaceStreamJob(FaceStreamConfig config) {
        this.config = config;
        this.settings = StreamSettings.from(config);
    }

    /** Entry point of the FlinkDeployment and the StatefulSet's JobManager: {@code --config FILE [-Dkey=value ...]}. */
    public static void main(String[] args) throws Exception {
        new FaceStreamJob(JobArguments.parse(args)).execute();
    }

    /** Runs against the configured Kafka until cancelled, on the cluster that runs {@link #main}. */
    public void execute() throws Exception {
        StreamExecutionEnvironment env = environment(config);
        wire(env);
        env.execute(config.get(JobOptions.JOB_NAME));
    }

    /**
     * Builds the job on {@code env} with the Kafka sources and sinks the configuration names, after checking that
     * Kafka accepts the credentials and has the topics ({@link KafkaAccess}).
     */
    public void wire(StreamExecutionEnvironment env) {
        requireBootstrapServers(config);
        KafkaAccess.check(config);
        connect(env);
    }

    /** The graph with the Kafka sources and sinks, without asking Kafka anything first. */
    void connect(StreamExecutionEnvironment env) {
        Outputs outputs = build(env, framesSource(config), enrollmentsSource(config));
        if (outputs.matches() != null) {
            outputs.matches().sinkTo(matchesSink(config)).name("matches to Kafka").uid("matches-sink");
        }
        outputs.sightings().sinkTo(sightingsSink(config, settings.match().model())).name("sightings to Kafka")
                .uid("sightings-sink");
        outputs.deadLetters().sinkTo(deadLetterSink(config)).name("dead letters to Kafka").uid("dead-letter-sink");
    }

    public Outputs build(StreamExecutionEnvironment env, Source<FrameRecord, ?, ?> frames,
                         Source<EnrollmentRecord, ?, ?> enrollments) {
        int parallelism = config.get(JobOptions.JOB_PARALLELISM);
        if (parallelism > 0) {
            env.setParallelism(parallelism);
        }
        // No watermarks: each camera keeps its own clock in the sightings operator, so no camera, partition or refused
        // record can hold back or drag forward another camera's time.
        SingleOutputStreamOperator<FrameRecord> validated = env.fromSource(frames, WatermarkStrategy.noWatermarks(), "frames")
                .uid("frames-source")
                .process(new FrameValidationFunction(settings.pipeline().decodeLimits(), settings.metricsCameraLimit())).name("validate frames")
                .uid("frame-validation");

        SingleOutputStreamOperator<AnalyzedFrame> analyzed = AsyncDataStream.unorderedWait(validated,
                        new FaceAnalysisAsyncFunction(settings.pipeline(), settings.analysis()), settings.analysis().timeoutMs(),
                        TimeUnit.MILLISECONDS, settings.analysis().capacity())
                .name("detect, align, embed").uid("face-analysis");

        DataStream<EnrollmentRecord> enrollmentRecords = env
                .fromSource(enrollments, WatermarkStrategy.noWatermarks(), "enrollments")
                .uid("enrollments-source")
                .setParallelism(1);
        DataStream<DeadLetter> deadLetters = validated.getSideOutput(DeadLetters.TAG);
        List<String> directoryPeople = settings.galleryDir() == null ? List.of() : GalleryDirectory.people(settings.galleryDir());
        if (!directoryPeople.isEmpty()) {
            // Read once, by the one enrollment operator: a job restored from a checkpoint has them in its state.
            SingleOutputStreamOperator<EnrollmentRecord> fromDirectory = env.fromData(directoryPeople).uid("gallery-dir-source")
                    .process(new GalleryDirectory.Reader(settings.galleryDir())).name("read gallery.dir").uid("gallery-dir")
                    .setParallelism(1);
            enrollmentRecords = enrollmentRecords.union(fromDirectory);
            deadLetters = deadLetters.union(fromDirectory.getSideOutput(DeadLetters.TAG));
        }
        SingleOutputStreamOperator<Person> updates = enrollmentRecords
                .process(new EnrollmentFunction(settings.pipeline(), settings.enrollmentDeadLetterPayload())).name("enroll").uid("enrollment").setParallelism(1);

        // Failed frames and frames without a face end here; frames with faces go to every gallery shard.
        SingleOutputStreamOperator<AnalyzedFrame> withFaces = analyzed.process(new FrameRouter(settings.metricsCameraLimit())).name("route frames")
                .uid("frame-routing");
        // People are sharded by id across the gallery's subtasks (keyed state); each face is searched in every shard ...
        SingleOutputStreamOperator<ShardMatches> shardAnswers = updates.keyBy(Person::id).connect(withFaces.broadcast())
                .transform("gallery shard", TypeInformation.of(ShardMatches.class),
                        new GalleryShardOperator(settings.match(), settings.pipeline().recognizer().dimension(),
                                java.util.Set.copyOf(directoryPeople), recognizerSwitch()))
                .uid("gallery-shard");
        // ... and the shards' answers for a frame are merged into its matches.
        SingleOutputStreamOperator<MatchedFrame> matched = shardAnswers.keyBy(ShardMatches::frameKey)
                .process(new MatchGatherFunction(settings.match(), settings.metricsCameraLimit())).name("gather matches").uid("match-gather");
        DataStream<MatchRecord> matches = settings.matchesEnabled()
                ? matched.flatMap(new MatchRecords(settings.match())).name("face matches").uid("match-records") : null;

        // Per camera, in capture order by the camera's own clock: tracks, their identities, and the sightings; the
        // gallery's changes reach every subtask (to match back in time, and to erase what a deletion must not leave).
        SingleOutputStreamOperator<Sighting> sightings = matched.keyBy(frame -> frame.frame().camera())
                .connect(shardAnswers.getSideOutput(GalleryShardOperator.CHANGES).broadcast())
                .transform("track and name sightings", TypeInformation.of(Sighting.class),
                        new SightingsOperator(settings.tracking(), settings.match().model(),
                                settings.pipeline().recognizer().dimension()))
                .uid("sightings");

        deadLetters = deadLetters.union(updates.getSideOutput(DeadLetters.TAG), withFaces.getSideOutput(DeadLetters.TAG),
                shardAnswers.getSideOutput(DeadLetters.TAG));
        return new Outputs(matches, sightings, deadLetters);
    }

    /**
     * During a recognizer switch: where the gallery shards read people's photos back (the enrollments topic, and
     * gallery.dir) to embed them with the new recognizer; null otherwise.
     */
    private GalleryShardOperator.RecognizerSwitch recognizerSwitch() {
        if (!settings.match().switching()) {
            return null;
        }
        return new GalleryShardOperator.RecognizerSwitch(settings.pipeline(),
                new EnrollmentsTopicArchive(config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS), KafkaAccess.clientProperties(config),
                        config.get(JobOptions.KAFKA_ENROLLMENTS_TOPIC)),
                settings.galleryDir() == null ? null : GalleryDirectory.archive(settings.galleryDir()));
    }

    /**
     * Checkpointing, state backend and pass-through Flink keys. With no cluster to submit to, a local Flink with this
     * project's local defaults and no web UI (the launcher in tools, io.facestream.runner.LocalJob, adds the UI).
     */
    public static StreamExecutionEnvironment environment(FaceStreamConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(config, false));
        if (env instanceof LocalStreamEnvironment) {
            env = StreamExecutionEnvironment.createLocalEnvironment(flinkConfiguration(config, true));
        }
        return env;
    }

    /**
     * The Flink configuration the job asks for. On a cluster only the keys set explicitly are
     * applied, so the cluster's own checkpoint and state settings (e.g. a FlinkDeployment's)
     * stay in force; a local run gets this project's defaults.
     */
    public static Configuration flinkConfiguration(FaceStreamConfig config, boolean local) {
        Configuration flink = new Configuration();
        flink.set(PipelineOptions.NAME, config.get(JobOptions.JOB_NAME));
        if (local || config.isSet(JobOptions.STATE_BACKEND)) {
            flink.set(StateBackendOptions.STATE_BACKEND, config.get(JobOptions.STATE_BACKEND));
            // A checkpoint after one enrollment writes that person's change, not the whole gallery again.
            flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            // ... and a deleted person's data leaves the shared files within a day (PRIVACY.md).
            flink.setString("state.backend.rocksdb.options-factory", BoundedRetentionRocksDbOptions.class.getName());
        }
        if (local || config.isSet(JobOptions.CHECKPOINT_DIR)) {
            flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointUri(config.get(JobOptions.CHECKPOINT_DIR)));
        }
        if (local || config.isSet(JobOptions.CHECKPOINT_INTERVAL_MS)) {
            flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(config.get(JobOptions.CHECKPOINT_INTERVAL_MS)));
        }
        flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        // Every record between operators and every piece of state has a serializer Flink can evolve (POJOs and
        // versioned serializers): a type that would fall back to Kryo fails when the job is built, not on a restore.
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        if (local) {
            // Older checkpoints to go back to if the broker aborted a checkpoint's transactions (RELIABILITY.md).
            flink.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
            // The web UI of a local run is for this machine (flink.rest.bind-address opens it wider), and nobody
            // uploads jars to it. Flink's REST API still takes a job graph on POST /jobs (how `flink run` submits;
            // no setting removes it), so only this machine must reach it; below, no other web page may read it.
            flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            flink.set(RestOptions.ADDRESS, "127.0.0.1");
            flink.set(WebOptions.SUBMIT_ENABLE, false);
            // Records between operators wait for a full network buffer or this long: Flink's 100 ms default was most
            // of the capture-to-result latency at camera rates (BENCHMARKS.md: Latency).
            flink.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ZERO);
        }
        // Kept on cancel, so a job can be restarted from its last checkpoint (last-state upgrades).
        flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        Configuration passThrough = Configuration.fromMap(config.withPrefix(JobOptions.FLINK));
        flink.addAll(passThrough);
        if (local && !passThrough.contains(WebOptions.ACCESS_CONTROL_ALLOW_ORIGIN)) {
            // Flink answers every origin ("*"): any web page open in a browser on this machine could read the job's
            // configuration, metrics and exceptions. Only the UI's own pages may.
            flink.set(WebOptions.ACCESS_CONTROL_ALLOW_ORIGIN, "http://localhost:" + flink.get(RestOptions.PORT));
        }
        return flink;
    }

    static String checkpointUri(String dir) {
        if (dir.contains("://")) {
            return dir;
        }
        return Path.of(dir).toAbsolutePath().normalize().toUri().toString();
    }

    static void requireBootstrapServers(FaceStreamConfig config) {
        String servers = config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS);
        if (servers == null || servers.isBlank()) {
            throw new ConfigException("configuration key '" + JobOptions.KAFKA_BOOTSTRAP_SERVERS.name()
                    + "' is required by the job (host:port of the Kafka brokers)");
        }
    }

    public static KafkaSource<FrameRecord> framesSource(FaceStreamConfig config) {
        Properties properties = KafkaAccess.clientProperties(config);
        properties.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(32 * 1024 * 1024));
        return KafkaSource.<FrameRecord>builder()
                .setBootstrapServers(config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(config.get(JobOptions.KAFKA_FRAMES_TOPIC))
                .setGroupId(config.get(JobOptions.KAFKA_GROUP_ID))
                .setStartingOffsets(switch (config.get(JobOptions.KAFKA_STARTING_OFFSETS)) {
                    case "earliest" -> OffsetsInitializer.earliest();
                    case "latest" -> OffsetsInitializer.latest();
                    default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                })
                .setDeserializer(new FrameDeserializationSchema(config.get(JobOptions.FRAMES_MAX_CLOCK_SKEW_MS)))
                .setProperties(properties)
                .build();
    }

    public static KafkaSource<EnrollmentRecord> enrollmentsSource(FaceStreamConfig config) {
        Properties properties = KafkaAccess.clientProperties(config);
        properties.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return KafkaSource.<EnrollmentRecord>builder()
                .setBootstrapServers(config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(config.get(JobOptions.KAFKA_ENROLLMENTS_TOPIC))
                .setGroupId(config.get(JobOptions.KAFKA_GROUP_ID) + "-enrollments")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new EnrollmentDeserializationSchema())
                .setProperties(properties)
                .build();
    }

    public static Sink<MatchRecord> matchesSink(FaceStreamConfig config) {
        String topic = config.get(JobOptions.KAFKA_MATCHES_TOPIC);
        return guarded(KafkaSink.<MatchRecord>builder()
                .setBootstrapServers(config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setRecordSerializer(new MatchSerializationSchema(topic, resultsBudget(config)))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX) + "-matches")
                .setKafkaProducerConfig(producerProperties(config))
                .build(), topic, config);
    }

    public static Sink<Sighting> sightingsSink(FaceStreamConfig config, String model) {
        String topic = config.get(JobOptions.KAFKA_SIGHTINGS_TOPIC);
        return guarded(KafkaSink.<Sighting>builder()
                .setBootstrapServers(config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setRecordSerializer(new SightingSerializationSchema(topic, model, resultsBudget(config)))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX) + "-sightings")
                .setKafkaProducerConfig(producerProperties(config))
                .build(), topic, config);
    }

    public static Sink<DeadLetter> deadLetterSink(FaceStreamConfig config) {
        String topic = config.get(JobOptions.KAFKA_DEAD_LETTER_TOPIC);
        return guarded(KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setRecordSerializer(new DeadLetterSerializationSchema(topic, config.get(JobOptions.KAFKA_DEAD_LETTER_MAX_BYTES)))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX) + "-dlq")
                .setKafkaProducerConfig(producerProperties(config))
                .build(), topic, config);
    }

    /** What a results topic takes; a result that would not fit goes to the dead-letter topic instead. */
    static RecordBudget resultsBudget(FaceStreamConfig config) {
        return new RecordBudget(config.get(JobOptions.KAFKA_RESULTS_MAX_BYTES), JobOptions.KAFKA_RESULTS_MAX_BYTES.name(),
                config.get(JobOptions.KAFKA_DEAD_LETTER_TOPIC), config.get(JobOptions.KAFKA_DEAD_LETTER_MAX_BYTES));
    }

    /** The sink, stopping the job instead of silently dropping a transaction the broker aborted (see LossGuardedSink). */
    private static <T, S, C> Sink<T> guarded(TwoPhaseCommittingStatefulSink<T, S, C> sink, String topic, FaceStreamConfig config) {
        return new LossGuardedSink<>(sink, topic, config.get(JobOptions.KAFKA_TRANSACTION_TIMEOUT_MS));
    }

    private static Properties producerProperties(FaceStreamConfig config) {
        Properties properties = KafkaAccess.clientProperties(config);
        properties.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(config.get(JobOptions.KAFKA_TRANSACTION_TIMEOUT_MS)));
        properties.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(33 * 1024 * 1024));
        return properties;
    }
}
