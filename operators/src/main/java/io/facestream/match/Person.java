package io.facestream.match;

import java.io.Serializable;

/**
 * An enrolled person as the gallery keeps them: id, display name, the recognizer that made the
 * embeddings (embeddings of different recognizers cannot be compared), and one or more
 * unit-length embeddings. The same type travels from enrollment to the matchers and lives in
 * their state. A deletion is a person without embeddings, kept so that a person who was also
 * loaded from {@code gallery.dir} stays deleted.
 */
public record Person(String id, String name, String model, float[][] embeddings, Origin origin) implements Serializable {

    /** Where an enrollment came from: the enrollments topic overrides {@code gallery.dir}. */
    public enum Origin { ENROLLMENTS, GALLERY_DIR }

    public static Person deletion(String id) {
        return new Person(id, null, null, new float[0][], Origin.ENROLLMENTS);
    }

    public boolean deleted() {
        return embeddings.length == 0;
    }
}
