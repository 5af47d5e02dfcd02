package io.facestream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.detect.DetectedFace;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.ImageAnalysis;
import io.facestream.pipeline.StageTimings;
import java.io.PrintWriter;

/** Builds and prints the CLI's JSON lines. */
final class JsonLines {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {
    }

    /** One image's line; {@code timings} (those of this image) are added when not null. */
    static ObjectNode analysis(String image, ImageAnalysis analysis, StageTimings timings) {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("image", image);
        line.put("width", analysis.width());
        line.put("height", analysis.height());
        ArrayNode faces = line.putArray("faces");
        for (Face face : analysis.faces()) {
            faces.add(face(face));
        }
        if (timings != null) {
            ObjectNode node = line.putObject("timingsMs");
            node.put("decode", millis(timings.decodeNanos()));
            node.put("detect", millis(timings.detectNanos()));
            node.put("align", millis(timings.alignNanos()));
            node.put("embed", millis(timings.embedNanos()));
        }
        return line;
    }

    static ObjectNode face(Face face) {
        DetectedFace d = face.detection();
        ObjectNode node = MAPPER.createObjectNode();
        ArrayNode box = node.putArray("box");
        box.add(round(d.x1(), 2)).add(round(d.y1(), 2)).add(round(d.x2(), 2)).add(round(d.y2(), 2));
        node.put("score", round(d.score(), 4));
        ArrayNode landmarks = node.putArray("landmarks");
        for (int i = 0; i < DetectedFace.LANDMARKS; i++) {
            landmarks.addArray().add(round(d.landmarks()[2 * i], 2)).add(round(d.landmarks()[2 * i + 1], 2));
        }
        if (face.embedding() != null) {
            ArrayNode embedding = node.putArray("embedding");
            for (float value : face.embedding()) {
                embedding.add(value);
            }
        }
        return node;
    }

    static ObjectNode error(String image, String reason) {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("image", image);
        line.put("error", reason);
        return line;
    }

    static void print(PrintWriter out, ObjectNode line) {
        try {
            out.println(MAPPER.writeValueAsString(line));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static double round(double value, int decimals) {
        double factor = Math.pow(10, decimals);
        return Math.round(value * factor) / factor;
    }

    private static double millis(long nanos) {
        return round(nanos / 1e6, 3);
    }
}
