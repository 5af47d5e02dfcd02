package io.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./facestream broker} as a user runs it, in a process of its own: it prints its bootstrap
 * address, has created the job's topics with their documented settings, and stops on a
 * termination signal (what Ctrl-C sends) without leaving the broker behind.
 */
@Tag("kafka")
class BrokerCommandITCase {
    @TempDir
    Path data;

    @Test
    void startsABrokerWithTheJobsTopicsPrintsItsAddressAndStopsOnASignal() throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FaceStreamCli.class.getName(), "broker", "--port",
                Integer.toString(port), "--data-dir", data.toString()));
        Process broker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("bootstrap: 127.0.0.1:" + port);
            Properties properties = new Properties();
            properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
            try (Admin admin = Admin.create(properties)) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .containsAll(Set.of("frames", "enrollments", "face-matches", "sightings", "frames-dlq"));
                Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                        new ConfigResource(ConfigResource.Type.TOPIC, "frames"),
                        new ConfigResource(ConfigResource.Type.TOPIC, "enrollments"),
                        new ConfigResource(ConfigResource.Type.TOPIC, "frames-dlq"))).all().get(30, TimeUnit.SECONDS);
                assertThat(value(configs, "frames", "max.message.bytes")).isEqualTo("33555456");
                assertThat(value(configs, "enrollments", "cleanup.policy")).isEqualTo("compact");
                assertThat(value(configs, "frames-dlq", "max.message.bytes")).as("Kafka's default").isEqualTo("1048588");
                assertThat(admin.describeTopics(List.of("frames")).allTopicNames().get(30, TimeUnit.SECONDS).get("frames")
                        .partitions()).hasSize(2);
            }
        } finally {
            broker.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hooks stop the Kafka process
        }
        assertThat(broker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(reachable(port)).as("nothing listens on the port any more").isFalse();
    }

    private static String value(Map<ConfigResource, Config> configs, String topic, String key) {
        return configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get(key).value();
    }

    private static boolean reachable(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
