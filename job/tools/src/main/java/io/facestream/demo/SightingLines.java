package io.facestream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** One sighting record (the sightings topic's JSON) as one line for people, for the demo and {@code ./facestream sightings}. */
public final class SightingLines {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private SightingLines() {
    }

    public static String format(JsonNode sighting) {
        long first = sighting.get("firstSeen").asLong();
        long last = sighting.get("lastSeen").asLong();
        String who = sighting.get("name").isNull() ? "(unknown)" : sighting.get("name").asText();
        String score = sighting.get("bestScore").isNull() ? "-" : String.format(Locale.ROOT, "%.3f",
                sighting.get("bestScore").asDouble());
        return String.format(Locale.ROOT, "%-10s %-7s %-12s track %-4d %s - %s (%5.1f s) %4d faces  best %s%s",
                sighting.get("camera").asText(), sighting.get("state").asText(), who, sighting.get("trackId").asLong(),
                TIME.format(Instant.ofEpochMilli(first)), TIME.format(Instant.ofEpochMilli(last)), (last - first) / 1000.0,
                sighting.get("faces").asInt(), score, sighting.get("retroactive").asBoolean() ? "  (retroactive)" : "");
    }
}
