package io.facestream.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.track.Sighting;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sightings topic: key = camera id (a camera's sightings stay in order), timestamp = lastSeen, value = JSON
 * {"camera", "trackId", "personId", "name", "firstSeen", "lastSeen", "faces", "bestScore", "bestBox": [x1,y1,x2,y2],
 * "bestFrameSeq", "state": "open"|"update"|"closed", "retroactive", "model"}; personId, name and bestScore are null
 * for an unnamed track (written only with sightings.emit-unknown).
 */
public final class SightingSerializationSchema implements KafkaRecordSerializationSchema<Sighting> {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String topic;
    private final String model;
    private final RecordBudget budget;

    public SightingSerializationSchema(String topic, String model) {
        this(topic, model, RecordBudget.unlimited());
    }

    /** Records that would not fit {@code budget} go to the dead-letter topic instead ({@link RecordBudget}). */
    public SightingSerializationSchema(String topic, String model, RecordBudget budget) {
        this.topic = topic;
        this.model = model;
        this.budget = budget;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Sighting sighting, KafkaSinkContext context, Long timestamp) {
        return budget.fit(new ProducerRecord<>(topic, null, sighting.lastSeen(), sighting.camera().getBytes(StandardCharsets.UTF_8),
                toJson(sighting, model).getBytes(StandardCharsets.UTF_8)));
    }

    public static String toJson(Sighting sighting, String model) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("camera", sighting.camera());
        node.put("trackId", sighting.trackId());
        node.put("personId", sighting.personId());
        node.put("name", sighting.name());
        node.put("firstSeen", sighting.firstSeen());
        node.put("lastSeen", sighting.lastSeen());
        node.put("faces", sighting.faces());
        if (Double.isNaN(sighting.bestScore())) {
            node.putNull("bestScore");
        } else {
            node.put("bestScore", Math.round(sighting.bestScore() * 10000) / 10000.0);
        }
        if (sighting.bestBox() == null) {
            node.putNull("bestBox");
        } else {
            ArrayNode box = node.putArray("bestBox");
            box.add(round(sighting.bestBox().x1())).add(round(sighting.bestBox().y1()))
                    .add(round(sighting.bestBox().x2())).add(round(sighting.bestBox().y2()));
        }
        node.put("bestFrameSeq", sighting.bestFrameSeq());
        node.put("state", sighting.state().wire());
        node.put("retroactive", sighting.retroactive());
        node.put("model", model);
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
