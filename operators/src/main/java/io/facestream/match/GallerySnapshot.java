package io.facestream.match;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Exact open-set top-1 over a fixed set of people: every embedding a row of one
 * {@link EmbeddingRows}, scanned with the one kernel. The yardstick the sharded gallery's
 * answers and the benchmark's recall are measured against.
 */
public final class GallerySnapshot {
    private final EmbeddingRows rows;
    private final int[] personOfRow;
    private final List<Person> people;

    private GallerySnapshot(EmbeddingRows rows, int[] personOfRow, List<Person> people) {
        this.rows = rows;
        this.personOfRow = personOfRow;
        this.people = people;
    }

    /** The people (deleted ones left out), ready to search. */
    public static GallerySnapshot of(Collection<Person> enrolled) {
        List<Person> people = new ArrayList<>(enrolled.size());
        int count = 0;
        int dimension = -1;
        for (Person person : enrolled) {
            if (person.deleted()) {
                continue;
            }
            people.add(person);
            for (float[] embedding : person.embeddings()) {
                if (dimension < 0) {
                    dimension = embedding.length;
                } else if (embedding.length != dimension) {
                    throw new IllegalArgumentException("person '" + person.id() + "' has an embedding of " + embedding.length
                            + " values; the gallery's have " + dimension);
                }
                count = Math.addExact(count, 1);
            }
        }
        EmbeddingRows rows = new EmbeddingRows(count, Math.max(dimension, 0));
        int[] personOfRow = new int[count];
        int row = 0;
        for (int p = 0; p < people.size(); p++) {
            for (float[] embedding : people.get(p).embeddings()) {
                rows.set(row, embedding);
                personOfRow[row++] = p;
            }
        }
        return new GallerySnapshot(rows, personOfRow, people);
    }

    public int people() {
        return people.size();
    }

    public int embeddings() {
        return personOfRow.length;
    }

    /** The best person by cosine (embeddings are unit length): known when the score reaches {@code matchThreshold}. */
    public Match best(float[] probe, double matchThreshold) {
        if (personOfRow.length == 0) {
            return Match.unknown(Float.NaN);
        }
        if (probe.length != rows.dimension()) {
            throw new IllegalArgumentException("probe has " + probe.length + " values; the gallery's embeddings have "
                    + rows.dimension());
        }
        int bestRow = rows.best(probe);
        float bestScore = rows.dot(bestRow, probe);
        if (!Similarity.reaches(bestScore, matchThreshold)) {
            return Match.unknown(bestScore);
        }
        Person person = people.get(personOfRow[bestRow]);
        return new Match(person.id(), person.name(), bestScore, true);
    }
}
