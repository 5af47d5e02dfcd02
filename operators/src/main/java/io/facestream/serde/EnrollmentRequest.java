package io.facestream.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One enrollment as the enrollments topic carries it: key = person id, value = JSON
 * {"name": ..., "images": [base64, ...]} or {"name": ..., "embedding": [...], "model": RECOGNIZER_ID}.
 * Exactly one of {@code images} (1 to {@link #MAX_IMAGES}) and {@code embedding} is set; the name is at most
 * {@link TextLimits#MAX_NAME_BYTES} bytes of printable text. Parsing failures carry a reason.
 */
public record EnrollmentRequest(String personId, String name, List<byte[]> images, float[] embedding, String model) {
    /**
     * Photos per enrollment: each is embedded on the enrollment operator's thread and kept as an embedding in the
     * gallery, so a person's entry (and the time one enrollment takes) stays bounded.
     */
    public static final int MAX_IMAGES = 16;
    // NaN and Infinity literals parse, so they are refused as "not finite" rather than as bad JSON.
    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** Thrown with a reason fit for the dead-letter topic. */
    public static final class InvalidEnrollmentException extends RuntimeException {
        public InvalidEnrollmentException(String reason) {
            super(reason);
        }
    }

    /**
     * The value {@code enroll --delete} writes: unlike a tombstone (a null value), which compaction removes after the
     * topic's delete.retention.ms, a record that says "deleted" stays as the person's latest, so a person also in
     * gallery.dir stays deleted on every fresh start. It holds nothing but the key.
     */
    public static byte[] deletionMarker() {
        return "{\"deleted\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Whether {@code value} deletes the person: a tombstone (null) or a deletion marker. */
    public static boolean isDeletion(byte[] value) {
        if (value == null) {
            return true;
        }
        if (value.length > 64) {
            return false; // an enrollment, with images or an embedding
        }
        try {
            JsonNode root = MAPPER.readTree(value);
            return root != null && root.isObject() && root.path("deleted").asBoolean(false);
        } catch (IOException e) {
            return false;
        }
    }

    public static EnrollmentRequest parse(String personId, byte[] value) {
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (IOException e) {
            throw new InvalidEnrollmentException("malformed JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEnrollmentException("enrollment must be a JSON object with \"name\" and \"images\" or \"embedding\"");
        }
        JsonNode name = root.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new InvalidEnrollmentException("missing \"name\" (a non-empty string)");
        }
        String nameRefusal = TextLimits.nameRefusal("\"name\"", name.asText());
        if (nameRefusal != null) {
            throw new InvalidEnrollmentException(nameRefusal);
        }
        JsonNode images = root.get("images");
        JsonNode embedding = root.get("embedding");
        if ((images == null) == (embedding == null)) {
            throw new InvalidEnrollmentException("give exactly one of \"images\" or \"embedding\"");
        }
        if (images != null) {
            if (!images.isArray() || images.isEmpty()) {
                throw new InvalidEnrollmentException("\"images\" must be a non-empty array of base64 strings");
            }
            if (images.size() > MAX_IMAGES) {
                throw new InvalidEnrollmentException("\"images\" has " + images.size() + " photos, more than the "
                        + MAX_IMAGES + " an enrollment may have");
            }
            List<byte[]> decoded = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                JsonNode image = images.get(i);
                if (!image.isTextual()) {
                    throw new InvalidEnrollmentException("images[" + i + "] is not a base64 string");
                }
                try {
                    decoded.add(Base64.getDecoder().decode(image.asText().replaceAll("\\s", "")));
                } catch (IllegalArgumentException e) {
                    throw new InvalidEnrollmentException("images[" + i + "] is not valid base64: " + e.getMessage());
                }
            }
            return new EnrollmentRequest(personId, name.asText(), decoded, null, null);
        }
        if (!embedding.isArray() || embedding.isEmpty()) {
            throw new InvalidEnrollmentException("\"embedding\" must be a non-empty array of numbers");
        }
        JsonNode model = root.get("model");
        if (model == null || !model.isTextual()) {
            throw new InvalidEnrollmentException("an \"embedding\" needs the \"model\" (recognizer id) that produced it");
        }
        float[] values = new float[embedding.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = embedding.get(i);
            if (!v.isNumber()) {
                throw new InvalidEnrollmentException("embedding[" + i + "] is not a number: " + v);
            }
            values[i] = (float) v.asDouble();
            if (!Float.isFinite(values[i])) {
                throw new InvalidEnrollmentException("embedding[" + i + "] is not finite");
            }
        }
        return new EnrollmentRequest(personId, name.asText(), List.of(), values, model.asText());
    }

    public static EnrollmentRequest ofImages(String personId, String name, List<byte[]> images) {
        return new EnrollmentRequest(personId, name, List.copyOf(images), null, null);
    }

    public static EnrollmentRequest ofEmbedding(String personId, String name, float[] embedding, String model) {
        return new EnrollmentRequest(personId, name, List.of(), embedding, model);
    }

    /** The record's value in the wire format. */
    public byte[] json() {
        var node = MAPPER.createObjectNode();
        node.put("name", name);
        if (embedding != null) {
            var array = node.putArray("embedding");
            for (float v : embedding) {
                array.add(v);
            }
            node.put("model", model);
        } else {
            var array = node.putArray("images");
            images.forEach(image -> array.add(Base64.getEncoder().encodeToString(image)));
        }
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
