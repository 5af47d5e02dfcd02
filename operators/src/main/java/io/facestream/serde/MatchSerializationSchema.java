package io.facestream.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Matches topic: key = camera id, value = JSON {"camera", "frameSeq", "captureTs", "personId",
 * "name", "score", "box": [x1,y1,x2,y2], "landmarks": [[x,y] x5], "model"}.
 */
public final class MatchSerializationSchema implements KafkaRecordSerializationSchema<MatchRecord> {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String topic;
    private final RecordBudget budget;

    public MatchSerializationSchema(String topic) {
        this(topic, RecordBudget.unlimited());
    }

    /** Records that would not fit {@code budget} go to the dead-letter topic instead ({@link RecordBudget}). */
    public MatchSerializationSchema(String topic, RecordBudget budget) {
        this.topic = topic;
        this.budget = budget;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(MatchRecord match, KafkaSinkContext context, Long timestamp) {
        return budget.fit(new ProducerRecord<>(topic, null, match.captureTs(), match.camera().getBytes(StandardCharsets.UTF_8),
                toJson(match).getBytes(StandardCharsets.UTF_8)));
    }

    public static String toJson(MatchRecord match) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("camera", match.camera());
        node.put("frameSeq", match.frameSeq());
        node.put("captureTs", match.captureTs());
        node.put("personId", match.personId());
        node.put("name", match.name());
        node.put("score", Math.round(match.score() * 10000) / 10000.0);
        ArrayNode box = node.putArray("box");
        for (float v : match.box()) {
            box.add(Math.round(v * 100) / 100.0);
        }
        ArrayNode landmarks = node.putArray("landmarks");
        for (int i = 0; i < match.landmarks().length / 2; i++) {
            landmarks.addArray().add(Math.round(match.landmarks()[2 * i] * 100) / 100.0)
                    .add(Math.round(match.landmarks()[2 * i + 1] * 100) / 100.0);
        }
        node.put("model", match.model());
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
