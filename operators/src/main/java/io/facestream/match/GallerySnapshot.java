package io.facestream.match;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * An immutable, search-friendly copy of the enrolled people: every embedding a row of one
 * {@link EmbeddingRows}, so an exact top-1 search streams through memory with the one kernel;
 * from a configured size on, an IVF index answers instead.
 */
public final class GallerySnapshot {
    private final EmbeddingRows rows;
    private final int[] personOfRow;
    private final List<Person> people;
    private final IvfIndex index;
    private final int indexProbes;

    private GallerySnapshot(EmbeddingRows rows, int[] personOfRow, List<Person> people, IvfIndex index) {
        this.rows = rows;
        this.personOfRow = personOfRow;
        this.people = people;
        this.index = index;
        // An eighth of the cells: recall@1 0.99 against exact search on clustered galleries (BENCHMARKS.md).
        this.indexProbes = index == null ? 0 : Math.max(1, index.lists() / 8);
    }

    /** Exact search over every embedding. */
    public static GallerySnapshot of(Collection<Person> people) {
        return of(people, Integer.MAX_VALUE);
    }

    /**
     * From {@code indexMinEmbeddings} embeddings on, searches go through an IVF index (approximate,
     * recall@1 about 0.99) instead of scanning every embedding. Deleted people are left out.
     */
    public static GallerySnapshot of(Collection<Person> enrolled, int indexMinEmbeddings) {
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
        IvfIndex index = null;
        if (count >= indexMinEmbeddings && count > 0) {
            int lists = Math.max(1, (int) Math.round(Math.sqrt(count)));
            index = IvfIndex.build(rows, lists, 5, Math.min(count, 40 * lists), 42);
        }
        return new GallerySnapshot(rows, personOfRow, people, index);
    }

    public boolean indexed() {
        return index != null;
    }

    public int people() {
        return people.size();
    }

    public int embeddings() {
        return personOfRow.length;
    }

    /** The best person by cosine (embeddings are unit length): known when the score reaches the threshold. */
    public Match best(float[] probe, float threshold) {
        if (personOfRow.length == 0) {
            return Match.unknown(Float.NaN);
        }
        if (probe.length != rows.dimension()) {
            throw new IllegalArgumentException("probe has " + probe.length + " values; the gallery's embeddings have "
                    + rows.dimension());
        }
        int bestRow;
        float bestScore;
        if (index != null) {
            IvfIndex.Hit hit = index.search(probe, indexProbes);
            bestRow = hit.row();
            bestScore = hit.score();
        } else {
            bestRow = rows.best(probe);
            bestScore = rows.dot(bestRow, probe);
        }
        if (bestScore < threshold) {
            return Match.unknown(bestScore);
        }
        Person person = people.get(personOfRow[bestRow]);
        return new Match(person.id(), person.name(), bestScore, true);
    }
}
