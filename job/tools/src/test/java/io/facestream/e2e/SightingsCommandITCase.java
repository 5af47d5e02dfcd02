package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.cli.FaceStreamCli;
import io.facestream.job.TopicSpec;
import io.facestream.serde.SightingSerializationSchema;
import io.facestream.track.FaceBox;
import io.facestream.track.Sighting;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ./facestream sightings} reads the topic the job writes and prints a line per sighting, or the records as written. */
@Tag("kafka")
class SightingsCommandITCase {
    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = FaceStreamCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(exit).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsTheSightingsOfTheTopicForPeopleOrAsWritten() throws Exception {
        String topic = "sightings-cli";
        JobTestSupport.createTopics(KAFKA.broker(), List.of(new TopicSpec(topic, 1, Map.of())));
        SightingSerializationSchema schema = new SightingSerializationSchema(topic, "faceplugin-fr");
        List<Sighting> sightings = List.of(
                new Sighting("cam-door", 1, "ann", "Ann", 1_764_000_000_000L, 1_764_000_000_400L, 3, 0.81,
                        new FaceBox(1, 2, 3, 4), 2, Sighting.State.OPEN, false),
                new Sighting("cam-door", 1, "ann", "Ann", 1_764_000_000_000L, 1_764_000_038_800L, 194, 0.93,
                        new FaceBox(1, 2, 3, 4), 57, Sighting.State.CLOSED, true));
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Sighting sighting : sightings) {
                producer.send(schema.serialize(sighting, null, null)).get();
            }
        }
        String bootstrap = KAFKA.broker().bootstrapServers();

        String lines = run("sightings", "--bootstrap", bootstrap, "--topic", topic, "--from-beginning", "--max-records", "2");
        assertThat(lines.lines().toList()).hasSize(2);
        assertThat(lines.lines().toList().get(0)).contains("cam-door", "open", "Ann", "track 1", "3 faces", "best 0.810")
                .doesNotContain("retroactive");
        assertThat(lines.lines().toList().get(1)).contains("closed", "( 38.8 s)", "194 faces", "best 0.930", "(retroactive)");

        String json = run("sightings", "--bootstrap", bootstrap, "--topic", topic, "--from-beginning", "--max-records", "2",
                "--json");
        assertThat(json.lines().toList()).containsExactly(SightingSerializationSchema.toJson(sightings.get(0), "faceplugin-fr"),
                SightingSerializationSchema.toJson(sightings.get(1), "faceplugin-fr"));
    }
}
