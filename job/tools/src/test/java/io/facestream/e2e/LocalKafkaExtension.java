package io.facestream.e2e;

import io.facestream.kafka.LocalKafkaBroker;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A real Kafka broker (its own JVM) for the tests of one class; {@code overrides} are broker settings. */
final class LocalKafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> overrides;
    private LocalKafkaBroker broker;

    LocalKafkaExtension() {
        this(Map.of());
    }

    LocalKafkaExtension(Map<String, String> overrides) {
        this.overrides = overrides;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = LocalKafkaBroker.start(LocalKafkaBroker.Settings.temporary().withOverrides(overrides));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
        }
    }

    LocalKafkaBroker broker() {
        return broker;
    }
}
