package io.facestream.stream;

import io.facestream.match.Person;
import java.io.Serializable;

/**
 * A change the gallery applied, as the sightings stage needs it: the person as they are now (a deletion has no
 * embeddings) and the embeddings they had before (none for a first enrollment), so that a deletion can erase what
 * was kept of that face elsewhere.
 */
public record GalleryChange(Person person, float[][] previousEmbeddings) implements Serializable {
}
