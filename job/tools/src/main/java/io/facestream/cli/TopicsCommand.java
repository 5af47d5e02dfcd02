package io.facestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.job.TopicSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facestream topics}: creates the job's topics on any Kafka, with the settings PRIVACY.md and the README document. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Creates the job's five topics that do not exist yet on a Kafka cluster (secured ones with "
                + "--kafka-config), each with its documented settings: retention, compaction, record size. One JSON line "
                + "per topic.")
class TopicsCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the frames, matches and sightings "
            + "topics: the most analysis subtasks that can share the cameras (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "3", description = "Replicas of each topic (default: "
            + "${DEFAULT-VALUE}).")
    short replication;

    @Mixin
    TopicNameOptions topicNames = new TopicNameOptions();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        FaceStreamConfig config = topicNames.config();
        List<TopicSpec> topics = TopicSpec.forJob(config, partitions);
        Properties properties = kafka.properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        List<String> created;
        try (Admin admin = Admin.create(properties)) {
            created = TopicSpec.createMissing(admin, topics, replication);
        }
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper mapper = new ObjectMapper();
        for (TopicSpec topic : topics) {
            ObjectNode line = mapper.createObjectNode();
            line.put("topic", topic.name());
            line.put("created", created.contains(topic.name()));
            line.put("partitions", topic.partitions());
            line.set("configs", mapper.valueToTree(topic.configs()));
            out.println(line);
        }
        out.flush();
        return 0;
    }
}
