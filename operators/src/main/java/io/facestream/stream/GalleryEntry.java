package io.facestream.stream;

import java.io.Serializable;

/**
 * A person as kept in the checkpointed broadcast state. A deleted person stays as a
 * tombstone so a person loaded from the gallery directory also stays deleted.
 */
public record GalleryEntry(String name, float[][] embeddings, boolean deleted) implements Serializable {
}
