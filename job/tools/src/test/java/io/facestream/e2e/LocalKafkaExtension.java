package io.facestream.e2e;

import io.facestream.kafka.LocalKafkaBroker;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A real Kafka broker (its own JVM) for the tests of one class. */
final class LocalKafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private LocalKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = LocalKafkaBroker.start();
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
