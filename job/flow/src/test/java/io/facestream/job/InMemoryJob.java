package io.facestream.job;

import io.facestream.config.FacePipelineOptions;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.EnrollmentDeserializationSchema;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.FrameDeserializationSchema;
import io.facestream.serde.FrameRecord;
import io.facestream.serde.MatchRecord;
import io.facestream.testing.TestData;
import io.facestream.track.Sighting;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * The job's own graph ({@link FaceStreamJob#build}) on in-memory sources, its two outputs
 * collected, on the test's MiniCluster. Records are made by the job's real deserializers from
 * Kafka-shaped records, so what reaches the job is what a broker would deliver. A source may be
 * gated: its records are released group by group when the test opens each group's gate.
 */
final class InMemoryJob implements AutoCloseable {
    private final JobClient job;
    private final CloseableIterator<MatchRecord> matches;
    private final CloseableIterator<Sighting> sightings;
    private final CloseableIterator<DeadLetter> deadLetters;

    private InMemoryJob(JobClient job, CloseableIterator<MatchRecord> matches, CloseableIterator<Sighting> sightings,
                        CloseableIterator<DeadLetter> deadLetters) {
        this.job = job;
        this.matches = matches;
        this.sightings = sightings;
        this.deadLetters = deadLetters;
    }

    /** Accumulators reach the client with TaskManager heartbeats: every 500 ms instead of 10 s. */
    static org.apache.flink.configuration.Configuration fastHeartbeats() {
        org.apache.flink.configuration.Configuration configuration = new org.apache.flink.configuration.Configuration();
        configuration.set(org.apache.flink.configuration.HeartbeatManagerOptions.HEARTBEAT_INTERVAL, java.time.Duration.ofMillis(500));
        return configuration;
    }

    /** A configuration for in-memory runs: CPU, small thread counts, parallelism 1, no Kafka. */
    static FaceStreamConfig config(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put(FacePipelineOptions.MODELS_DIR.name(), TestData.modelsDir().toString());
        values.put(FacePipelineOptions.INFERENCE_DEVICE.name(), "cpu");
        values.put(FacePipelineOptions.INFERENCE_INTRA_OP_THREADS.name(), "1");
        values.put(StreamOptions.ASYNC_THREADS.name(), "2");
        values.put(JobOptions.JOB_PARALLELISM.name(), "1");
        values.put(JobOptions.JOB_NAME.name(), "in-memory-" + UUID.randomUUID());
        values.putAll(extra);
        return FaceStreamConfig.of(values, JobOptions.all());
    }

    /** Builds the job on these sources and starts it. */
    static InMemoryJob start(FaceStreamConfig config, DataGeneratorSource<FrameRecord> frames,
                             DataGeneratorSource<EnrollmentRecord> enrollments) throws Exception {
        StreamExecutionEnvironment env = FaceStreamJob.environment(config);
        FaceStreamJob.Outputs outputs = new FaceStreamJob(config).build(env, frames, enrollments);
        // One reader, so a gated source releases its records in order whatever the job's parallelism.
        outputs.matches().getTransformation().getTransitivePredecessors().stream()
                .filter(transformation -> "frames-source".equals(transformation.getUid()))
                .forEach(transformation -> transformation.setParallelism(1));
        DataStream.Collector<MatchRecord> matches = new DataStream.Collector<>();
        DataStream.Collector<Sighting> sightings = new DataStream.Collector<>();
        DataStream.Collector<DeadLetter> deadLetters = new DataStream.Collector<>();
        outputs.matches().collectAsync(matches);
        outputs.sightings().collectAsync(sightings);
        outputs.deadLetters().collectAsync(deadLetters);
        JobClient job = env.executeAsync(config.get(JobOptions.JOB_NAME));
        return new InMemoryJob(job, matches.getOutput(), sightings.getOutput(), deadLetters.getOutput());
    }

    JobClient client() {
        return job;
    }

    /** Waits until the accumulator (summed over subtasks) satisfies {@code condition}; fails if the job ends first. */
    long await(String accumulator, LongPredicate condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long count = accumulator(accumulator);
            if (condition.test(count)) {
                return count;
            }
            if (job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                throw new IllegalStateException("job ended while waiting for " + accumulator + " (at " + count + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + accumulator + " (at " + count + ")");
            }
            Thread.sleep(200);
        }
    }

    /** Every match, once the job has ended (all sources are bounded). */
    List<MatchRecord> matches() {
        return drain(matches);
    }

    /** Every sighting, once the job has ended. */
    List<Sighting> sightings() {
        return drain(sightings);
    }

    /** Every dead letter, once the job has ended. */
    List<DeadLetter> deadLetters() {
        return drain(deadLetters);
    }

    private static <T> List<T> drain(CloseableIterator<T> iterator) {
        List<T> all = new ArrayList<>();
        iterator.forEachRemaining(all::add);
        return all;
    }

    /** A frames-topic record as the job's deserializer turns it into a frame; headers are name, value pairs. */
    static FrameRecord frame(String camera, long offset, byte[] image, String... headers) {
        List<FrameRecord> out = new ArrayList<>();
        new FrameDeserializationSchema(300_000).deserialize(kafkaRecord("frames", offset, camera, image, headers), new ListCollector<>(out));
        return out.get(0);
    }

    /** An enrollments-topic record (a null value is a tombstone). */
    static EnrollmentRecord enrollment(long offset, String personId, byte[] value) {
        List<EnrollmentRecord> out = new ArrayList<>();
        new EnrollmentDeserializationSchema().deserialize(kafkaRecord("enrollments", offset, personId, value), new ListCollector<>(out));
        return out.get(0);
    }

    private static ConsumerRecord<byte[], byte[]> kafkaRecord(String topic, long offset, String key, byte[] value,
                                                              String... headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            recordHeaders.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>(topic, 0, offset, System.currentTimeMillis(), TimestampType.CREATE_TIME, -1,
                value == null ? -1 : value.length, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value,
                recordHeaders, java.util.Optional.empty());
    }

    /** Emits {@code records} as fast as they are read. */
    static <T> DataGeneratorSource<T> source(List<T> records, Class<T> type) {
        return new DataGeneratorSource<>(new Release<>(new ArrayList<>(records)), records.size(), TypeInformation.of(type));
    }

    /**
     * Emits {@code records} in groups: the records before {@code groupEnds[0]}, then up to
     * {@code groupEnds[1]}, ...; group g only once the test opened gate {@code gatePrefix + g}.
     */
    static <T> DataGeneratorSource<T> gated(List<T> records, int[] groupEnds, String gatePrefix, Class<T> type) {
        return new DataGeneratorSource<>(new Release<>(new ArrayList<>(records)), records.size(),
                new GroupGates(groupEnds, gatePrefix), TypeInformation.of(type));
    }

    private record Release<T>(ArrayList<T> records) implements GeneratorFunction<Long, T> {
        @Override
        public T map(Long index) {
            return records.get(index.intValue());
        }
    }

    /** Lets the source's n-th record through once its group's gate is open (the reader asks once per record, in order). */
    private record GroupGates(int[] groupEnds, String gatePrefix) implements RateLimiterStrategy {
        @Override
        public RateLimiter createRateLimiter(int parallelism) {
            return new RateLimiter() {
                private int acquired;

                @Override
                public CompletionStage<Void> acquire() {
                    int index = acquired++;
                    int group = 0;
                    while (group < groupEnds.length - 1 && index >= groupEnds[group]) {
                        group++;
                    }
                    return Gates.opened(gatePrefix + group);
                }
            };
        }
    }

    /** Collects what a deserializer emits. */
    private record ListCollector<T>(List<T> list) implements org.apache.flink.util.Collector<T> {
        @Override
        public void collect(T record) {
            list.add(record);
        }

        @Override
        public void close() {
        }
    }

    private long accumulator(String name) {
        try {
            Object value = job.getAccumulators().get(10, TimeUnit.SECONDS).get(name);
            return value instanceof Number number ? number.longValue() : 0L;
        } catch (Exception e) {
            return 0L; // not available while the job (re)starts
        }
    }

    @Override
    public void close() {
        try {
            if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // already gone
        }
    }
}
