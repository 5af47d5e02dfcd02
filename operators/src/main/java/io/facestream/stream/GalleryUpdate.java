package io.facestream.stream;

import java.io.Serializable;

/** Enrol (replace) a person with their embeddings, or delete them. Broadcast to every matcher. */
public record GalleryUpdate(String personId, String name, float[][] embeddings, String model, boolean delete)
        implements Serializable {

    public static GalleryUpdate delete(String personId) {
        return new GalleryUpdate(personId, null, new float[0][], null, true);
    }
}
