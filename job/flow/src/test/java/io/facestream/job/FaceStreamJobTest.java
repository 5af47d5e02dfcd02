package io.facestream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.facestream.config.ConfigException;
import io.facestream.config.FacePipelineOptions;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.FrameRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's settings are resolved when it is created, and its graph carries the documented operator uids. */
@Tag("model")
class FaceStreamJobTest {
    @Test
    void aWrongModelIdFailsWhenTheJobIsCreatedNamingTheKey() {
        assertThatThrownBy(() -> new FaceStreamJob(InMemoryJob.config(Map.of(FacePipelineOptions.RECOGNIZER_MODEL.name(), "arcface"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("configuration key 'recognizer.model': ")
                .hasMessageContaining("has no recognizer 'arcface'; it has [faceplugin-fr, faceplugin-fr-twin]");
        assertThatThrownBy(() -> new FaceStreamJob(InMemoryJob.config(Map.of(FacePipelineOptions.DETECTOR_MODEL.name(), "scrfd"))))
                .hasMessageStartingWith("configuration key 'detector.model': ")
                .hasMessageContaining("has no detector 'scrfd'");
    }

    @Test
    void aMissingModelsDirectoryOrGalleryDirectoryIsNamed(@TempDir Path temp) {
        assertThatThrownBy(() -> new FaceStreamJob(InMemoryJob.config(Map.of(FacePipelineOptions.MODELS_DIR.name(), temp.toString()))))
                .hasMessageStartingWith("configuration key 'models.dir': ").hasMessageContaining("does not exist");
        Path missing = temp.resolve("people");
        assertThatThrownBy(() -> new FaceStreamJob(InMemoryJob.config(Map.of(StreamOptions.GALLERY_DIR.name(), missing.toString()))))
                .hasMessage("configuration key 'gallery.dir': " + missing + " is not a directory");
    }

    @Test
    void theGraphHasTheDocumentedOperatorUids(@TempDir Path gallery) throws Exception {
        Files.createDirectories(gallery.resolve("ann"));
        Files.write(gallery.resolve("ann/1.jpg"), new byte[] {1});
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FaceStreamJob job = new FaceStreamJob(InMemoryJob.config(Map.of(StreamOptions.GALLERY_DIR.name(), gallery.toString())));
        FaceStreamJob.Outputs outputs = job.build(env, InMemoryJob.source(List.<FrameRecord>of(), FrameRecord.class),
                InMemoryJob.source(List.<EnrollmentRecord>of(), EnrollmentRecord.class));
        outputs.matches().print();
        outputs.sightings().print();
        assertThat(uids(env)).contains("frames-source", "frame-validation", "face-analysis", "enrollments-source",
                "gallery-dir-source", "gallery-dir", "enrollment", "frame-routing", "gallery-shard", "match-gather",
                "match-records", "sightings");
    }

    @Test
    void theWholeGraphBuildsWithGenericTypesDisabledSoNothingTravelsByKryo(@TempDir Path gallery) throws Exception {
        Files.createDirectories(gallery.resolve("ann"));
        Files.write(gallery.resolve("ann/1.jpg"), new byte[] {1});
        FaceStreamConfig config = InMemoryJob.config(Map.of(JobOptions.KAFKA_BOOTSTRAP_SERVERS.name(), "127.0.0.1:9",
                StreamOptions.GALLERY_DIR.name(), gallery.toString()));
        org.apache.flink.configuration.Configuration flink = FaceStreamJob.flinkConfiguration(config, false);
        assertThat(flink.get(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES)).isFalse();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        new FaceStreamJob(config).connect(env);
        // Building the job graph creates every edge's and side output's serializer: a generic type (Kryo) throws here.
        assertThat(env.getStreamGraph(false).getJobGraph().getNumberOfVertices()).isPositive();
        // So does the graph of a recognizer switch (the gallery shards carry how to read the photos back).
        FaceStreamConfig switching = InMemoryJob.config(Map.of(JobOptions.KAFKA_BOOTSTRAP_SERVERS.name(), "127.0.0.1:9",
                StreamOptions.GALLERY_DIR.name(), gallery.toString(), FacePipelineOptions.RECOGNIZER_MODEL.name(),
                "faceplugin-fr-twin", FacePipelineOptions.RECOGNIZER_PREVIOUS_MODEL.name(), "faceplugin-fr"));
        StreamExecutionEnvironment switchEnv = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        new FaceStreamJob(switching).connect(switchEnv);
        assertThat(switchEnv.getStreamGraph(false).getJobGraph().getNumberOfVertices()).isPositive();
        // State serializers are made when an operator starts: every type kept in state, made the same way.
        org.apache.flink.api.common.ExecutionConfig execution = new org.apache.flink.api.common.ExecutionConfig();
        execution.configure(flink, getClass().getClassLoader());
        for (Class<?> kept : List.of(io.facestream.match.Person.class, io.facestream.stream.MatchedFrame.class,
                io.facestream.stream.ShardMatches.class, io.facestream.stream.GalleryChange.class,
                io.facestream.track.CameraTimeline.class, FrameRecord.class, EnrollmentRecord.class)) {
            assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(kept))
                    .as(kept.getSimpleName()).isInstanceOf(org.apache.flink.api.java.typeutils.PojoTypeInfo.class)
                    .satisfies(type -> type.createSerializer(execution.getSerializerConfig()));
        }
        StreamExecutionEnvironment withKryo = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        withKryo.fromData(new java.util.ArrayList<>(List.of(1))).map(i -> new Object()).print();
        assertThatThrownBy(() -> withKryo.getStreamGraph(false)).as("the check does check")
                .hasMessageContaining("Generic types have been disabled");
    }

    @Test
    void perFaceMatchesCanBeSwitchedOffLeavingTheSightings() {
        Map<String, String> kafka = Map.of(JobOptions.KAFKA_BOOTSTRAP_SERVERS.name(), "127.0.0.1:9");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new FaceStreamJob(InMemoryJob.config(kafka)).connect(env);
        assertThat(uids(env)).contains("matches-sink", "sightings-sink", "dead-letter-sink");

        Map<String, String> off = new java.util.HashMap<>(kafka);
        off.put(StreamOptions.MATCHES_ENABLED.name(), "false");
        StreamExecutionEnvironment withoutMatches = StreamExecutionEnvironment.getExecutionEnvironment();
        new FaceStreamJob(InMemoryJob.config(off)).connect(withoutMatches);
        assertThat(uids(withoutMatches)).contains("sightings-sink", "dead-letter-sink")
                .doesNotContain("matches-sink", "match-records");
    }

    @Test
    void aLocalRunsWebUiListensOnLoopbackOnlyAndTakesNoJarsUnlessAsked() {
        org.apache.flink.configuration.Configuration local = FaceStreamJob.flinkConfiguration(InMemoryJob.config(Map.of()), true);
        assertThat(local.get(org.apache.flink.configuration.RestOptions.BIND_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(local.get(org.apache.flink.configuration.WebOptions.SUBMIT_ENABLE)).isFalse();
        assertThat(local.get(org.apache.flink.configuration.WebOptions.ACCESS_CONTROL_ALLOW_ORIGIN))
                .as("no other web page reads the REST API").isEqualTo("http://localhost:8081");
        assertThat(FaceStreamJob.flinkConfiguration(InMemoryJob.config(Map.of("flink.rest.port", "18081")), true)
                .get(org.apache.flink.configuration.WebOptions.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("http://localhost:18081");
        org.apache.flink.configuration.Configuration opened = FaceStreamJob.flinkConfiguration(
                InMemoryJob.config(Map.of("flink.rest.bind-address", "0.0.0.0")), true);
        assertThat(opened.get(org.apache.flink.configuration.RestOptions.BIND_ADDRESS)).isEqualTo("0.0.0.0");
        org.apache.flink.configuration.Configuration cluster = FaceStreamJob.flinkConfiguration(InMemoryJob.config(Map.of()), false);
        assertThat(cluster.contains(org.apache.flink.configuration.RestOptions.BIND_ADDRESS))
                .as("a cluster's own settings stay in force").isFalse();
    }

    @Test
    void rocksDbRewritesFilesOlderThanADaySoDeletedDataLeavesTheCheckpoints() {
        org.apache.flink.configuration.Configuration local = FaceStreamJob.flinkConfiguration(InMemoryJob.config(Map.of()), true);
        assertThat(local.getString("state.backend.rocksdb.options-factory", null))
                .isEqualTo(BoundedRetentionRocksDbOptions.class.getName());
        org.rocksdb.RocksDB.loadLibrary();
        try (org.rocksdb.ColumnFamilyOptions options = new org.rocksdb.ColumnFamilyOptions()) {
            new BoundedRetentionRocksDbOptions().createColumnOptions(options, new java.util.ArrayList<>());
            assertThat(options.periodicCompactionSeconds()).isEqualTo(24 * 3600);
        }
    }

    private static List<String> uids(StreamExecutionEnvironment env) {
        return StreamSupport.stream(env.getStreamGraph(false).getStreamNodes().spliterator(), false)
                .map(StreamNode::getTransformationUID).filter(uid -> uid != null).toList();
    }
}
