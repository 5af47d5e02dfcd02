package io.facestream.stream;

import java.io.Serializable;

/**
 * How faces are matched: the recognizer whose embeddings the gallery holds, the cosine
 * threshold, the gallery size from which an index replaces the exact scan, and whether faces
 * that match nobody are written too.
 */
public record MatchSettings(String model, float threshold, int indexMinEmbeddings, boolean emitUnknown)
        implements Serializable {
}
