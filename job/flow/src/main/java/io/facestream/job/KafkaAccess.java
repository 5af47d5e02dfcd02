package io.facestream.job;

import io.facestream.config.ConfigException;
import io.facestream.config.ConfigKey;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the job reaches Kafka: the client properties of its sources and sinks, and the check, before the job is
 * submitted, that Kafka accepts the job's credentials and has its topics: a wrong password or a missing topic then
 * stops the start with one message naming the setting, instead of a task that fails and restarts forever. A Kafka
 * that does not answer yet is only a warning: the job starts and its clients keep trying, as they would after a
 * broker restart. The job uses this class; this class knows nothing of the job.
 */
public final class KafkaAccess {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAccess.class);
    private static final long TIMEOUT_SECONDS = 30;

    private KafkaAccess() {
    }

    /**
     * The Kafka client properties every source and sink of the job gets: {@code kafka.properties.*} as given. Values
     * may be Kafka config-provider references (e.g. {@code ${dir:/etc/facestream/kafka-client:sasl.jaas.config}}),
     * which the clients resolve where they run, so secrets stay out of the job graph.
     */
    static Properties clientProperties(FaceStreamConfig config) {
        Properties properties = new Properties();
        properties.putAll(config.withPrefix(JobOptions.KAFKA_PROPERTIES));
        return properties;
    }

    /** Fails with a {@link ConfigException} when Kafka refuses the credentials or lacks a topic the job uses. */
    public static void check(FaceStreamConfig config) {
        String servers = config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS);
        Map<String, ConfigKey<String>> topics = new LinkedHashMap<>();
        topics.put(config.get(JobOptions.KAFKA_FRAMES_TOPIC), JobOptions.KAFKA_FRAMES_TOPIC);
        topics.put(config.get(JobOptions.KAFKA_ENROLLMENTS_TOPIC), JobOptions.KAFKA_ENROLLMENTS_TOPIC);
        if (config.get(StreamOptions.MATCHES_ENABLED)) {
            topics.put(config.get(JobOptions.KAFKA_MATCHES_TOPIC), JobOptions.KAFKA_MATCHES_TOPIC);
        }
        topics.put(config.get(JobOptions.KAFKA_SIGHTINGS_TOPIC), JobOptions.KAFKA_SIGHTINGS_TOPIC);
        topics.put(config.get(JobOptions.KAFKA_DEAD_LETTER_TOPIC), JobOptions.KAFKA_DEAD_LETTER_TOPIC);
        Properties properties = clientProperties(config);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        properties.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT_SECONDS * 1000));
        List<String> missing = new ArrayList<>();
        try (Admin admin = Admin.create(properties)) {
            DescribeTopicsResult described = admin.describeTopics(topics.keySet());
            for (Map.Entry<String, ConfigKey<String>> topic : topics.entrySet()) {
                try {
                    described.topicNameValues().get(topic.getKey()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        missing.add("'" + topic.getKey() + "' (" + topic.getValue().name() + ")");
                        continue;
                    }
                    String refusal = explain(e.getCause());
                    if (refusal != null) {
                        throw new ConfigException("Kafka at " + servers + " " + refusal + " (topic '" + topic.getKey() + "')");
                    }
                    LOG.warn("could not check topic '{}' in Kafka at {}: {}", topic.getKey(), servers, e.getCause().toString());
                } catch (TimeoutException e) {
                    LOG.warn("Kafka at {} did not answer within {} s; starting anyway, its clients keep trying", servers,
                            TIMEOUT_SECONDS);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (org.apache.kafka.common.KafkaException e) {
            String refusal = explain(e);
            throw new ConfigException("cannot use Kafka at " + servers + ": " + (refusal != null ? refusal : e.getMessage()));
        }
        if (!missing.isEmpty()) {
            throw new ConfigException("Kafka at " + servers + " has no topic " + String.join(", ", missing)
                    + "; create the job's topics first (./facestream topics --bootstrap " + servers + " creates them with their settings)");
        }
        checkRecordSizes(config, properties);
    }

    /**
     * Each topic the job writes takes the largest record the job may write to it, or the job does not start: a sink
     * refused a record fails, Flink replays, it fails again, and no camera gets results while the job restarts.
     */
    static void checkRecordSizes(FaceStreamConfig config, Properties properties) {
        Map<String, ConfigKey<Long>> limits = new LinkedHashMap<>();
        if (config.get(StreamOptions.MATCHES_ENABLED)) {
            limits.put(config.get(JobOptions.KAFKA_MATCHES_TOPIC), JobOptions.KAFKA_RESULTS_MAX_BYTES);
        }
        limits.put(config.get(JobOptions.KAFKA_SIGHTINGS_TOPIC), JobOptions.KAFKA_RESULTS_MAX_BYTES);
        limits.put(config.get(JobOptions.KAFKA_DEAD_LETTER_TOPIC), JobOptions.KAFKA_DEAD_LETTER_MAX_BYTES);
        List<String> tooSmall = new ArrayList<>();
        try (Admin admin = Admin.create(properties)) {
            List<ConfigResource> resources = limits.keySet().stream().map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
            Map<ConfigResource, Config> described = admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (Map.Entry<String, ConfigKey<Long>> limit : limits.entrySet()) {
                Config topicConfig = described.get(new ConfigResource(ConfigResource.Type.TOPIC, limit.getKey()));
                ConfigEntry entry = topicConfig == null ? null : topicConfig.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry == null || entry.value() == null) {
                    continue;
                }
                long takes = Long.parseLong(entry.value());
                long writes = config.get(limit.getValue());
                if (takes < writes) {
                    tooSmall.add("'" + limit.getKey() + "' takes records up to max.message.bytes=" + takes + ", less than "
                            + limit.getValue().name() + "=" + writes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            // Without DescribeConfigs on the topics (an ACL a locked-down deployment may not grant) nothing is checked.
            LOG.warn("could not read the record size limits (max.message.bytes) of topics {}: {}; starting without "
                    + "checking them (grant the job's principal DescribeConfigs on them to have them checked)", limits.keySet(),
                    (e.getCause() == null ? e : e.getCause()).toString());
            return;
        }
        if (!tooSmall.isEmpty()) {
            throw new ConfigException("topic " + String.join("; topic ", tooSmall) + ": raise the topic's max.message.bytes "
                    + "or lower the setting to what the topic takes");
        }
    }

    /**
     * What a Kafka refusal means for the user, or null when {@code failure} is not one: wrong
     * credentials, a certificate the client does not trust, or a missing permission.
     */
    public static String explain(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SslAuthenticationException) {
                return "refused the TLS handshake: " + cause.getMessage()
                        + " (check ssl.truststore.location and ssl.truststore.password in the Kafka client properties)";
            }
            if (cause instanceof AuthenticationException) {
                return "refused the credentials: " + cause.getMessage()
                        + " (check sasl.mechanism and sasl.jaas.config in the Kafka client properties)";
            }
            if (cause instanceof AuthorizationException) {
                return "denied access: " + cause.getMessage() + " (the principal lacks an ACL)";
            }
        }
        return null;
    }
}
