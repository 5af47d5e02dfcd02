package io.facestream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job hands every kafka.properties.* key unchanged to its Kafka clients; here Kafka's own client
 * configurations (the kafka-clients version the image ships) resolve them against directories laid out as
 * Kubernetes mounts a Secret, so the credentials are read where the client runs and nowhere else.
 */
class KafkaClientConfigIT {
    static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"facestream\" password=\"only-in-this-test\";";

    @Test
    void nothingUnderDeployHoldsACredential() {
        assertThat(KafkaCredentials.noneCommitted(Manifests.deployDir())).isEmpty();
    }

    @Test
    void producerConsumerAndAdminConfigsReadTheCredentialsFromTheMountedSecrets(@TempDir Path temp) throws Exception {
        Path client = secretVolume(temp.resolve("kafka-client"),
                Map.of("sasl.jaas.config", JAAS, "ssl.truststore.password", "truststore-secret"));
        Path truststore = secretVolume(temp.resolve("kafka-truststore"), Map.of("truststore.p12", "not a real store"));
        for (Variant variant : List.of(OperatorManifestsIT.variant(), StatefulSetManifestsIT.variant())) {
            Map<String, Object> properties = new HashMap<>();
            variant.jobConfiguration().forEach((key, value) -> {
                if (key.startsWith(KafkaCredentials.PREFIX)) {
                    properties.put(key.substring(KafkaCredentials.PREFIX.length()), value
                            .replace("/etc/facestream/kafka-client", client.toString())
                            .replace("/etc/facestream/kafka-truststore", truststore.toString()));
                }
            });
            properties.put("bootstrap.servers", variant.jobConfiguration().get("kafka.bootstrap-servers"));

            Map<String, Object> producer = new HashMap<>(properties);
            producer.put("key.serializer", ByteArraySerializer.class);
            producer.put("value.serializer", ByteArraySerializer.class);
            ProducerConfig producerConfig = new ProducerConfig(producer);
            assertThat(producerConfig.getPassword("sasl.jaas.config").value()).isEqualTo(JAAS);
            assertThat(producerConfig.getPassword("ssl.truststore.password").value()).isEqualTo("truststore-secret");
            assertThat(producerConfig.getString("ssl.truststore.location")).isEqualTo(truststore.resolve("truststore.p12").toString());
            assertThat(producerConfig.getString("security.protocol")).isEqualTo("SASL_SSL");

            Map<String, Object> consumer = new HashMap<>(properties);
            consumer.put("key.deserializer", ByteArrayDeserializer.class);
            consumer.put("value.deserializer", ByteArrayDeserializer.class);
            assertThat(new ConsumerConfig(consumer).getPassword("sasl.jaas.config").value()).isEqualTo(JAAS);
            assertThat(new AdminClientConfig(properties).getPassword("sasl.jaas.config").value()).isEqualTo(JAAS);
        }
    }

    /**
     * A directory as the kubelet writes a Secret volume: the files in a timestamped directory, {@code ..data}
     * linking to it, and one link per key (so Kafka's DirectoryConfigProvider must follow links and skip {@code ..data}).
     */
    static Path secretVolume(Path dir, Map<String, String> files) throws Exception {
        Path version = Files.createDirectories(dir.resolve("..2026_01_01_00_00_00.000000001"));
        Files.createSymbolicLink(dir.resolve("..data"), version.getFileName());
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(version.resolve(file.getKey()), file.getValue());
            Files.createSymbolicLink(dir.resolve(file.getKey()), Path.of("..data", file.getKey()));
        }
        return dir;
    }
}
