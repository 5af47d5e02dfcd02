package io.facestream.match;

import io.facestream.embed.Vectors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * An immutable, search-friendly copy of the enrolled people: every embedding in one contiguous row-major
 * float matrix, so an exact top-1 search streams through memory once with a kernel the JIT
 * keeps in registers (eight independent accumulators instead of one dependent chain).
 */
public final class GallerySnapshot {
    private final int dimension;
    private final float[] matrix;
    private final int[] personOfRow;
    private final List<Person> people;
    private final IvfIndex index;
    private final int indexProbes;

    private GallerySnapshot(int dimension, float[] matrix, int[] personOfRow, List<Person> people, IvfIndex index) {
        this.dimension = dimension;
        this.matrix = matrix;
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
     * recall@1 about 0.99) instead of scanning every embedding.
     */
    public static GallerySnapshot of(Collection<Person> enrolled, int indexMinEmbeddings) {
        List<Person> people = new ArrayList<>(enrolled.size());
        for (Person person : enrolled) {
            if (!person.deleted()) {
                people.add(person);
            }
        }
        int rows = 0;
        int dimension = -1;
        for (Person person : people) {
            for (float[] embedding : person.embeddings()) {
                if (dimension < 0) {
                    dimension = embedding.length;
                } else if (embedding.length != dimension) {
                    throw new IllegalArgumentException("person '" + person.id() + "' has an embedding of " + embedding.length
                            + " values; the gallery's have " + dimension);
                }
                rows++;
            }
        }
        float[] matrix = new float[Math.max(0, rows * Math.max(dimension, 0))];
        int[] personOfRow = new int[rows];
        int row = 0;
        for (int p = 0; p < people.size(); p++) {
            for (float[] embedding : people.get(p).embeddings()) {
                System.arraycopy(embedding, 0, matrix, row * dimension, dimension);
                personOfRow[row++] = p;
            }
        }
        IvfIndex index = null;
        if (rows >= indexMinEmbeddings && rows > 0) {
            int lists = Math.max(1, (int) Math.round(Math.sqrt(rows)));
            index = IvfIndex.build(matrix, rows, dimension, lists, 5, Math.min(rows, 40 * lists), 42);
        }
        return new GallerySnapshot(Math.max(dimension, 0), matrix, personOfRow, people, index);
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
        if (probe.length != dimension) {
            throw new IllegalArgumentException("probe has " + probe.length + " values; the gallery's embeddings have " + dimension);
        }
        int bestRow = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        if (index != null) {
            IvfIndex.Hit hit = index.search(probe, indexProbes);
            bestRow = hit.row();
            bestScore = hit.score();
        } else {
            for (int row = 0; row < personOfRow.length; row++) {
                float score = Vectors.dot(matrix, row * dimension, probe, 0, dimension);
                if (score > bestScore) {
                    bestScore = score;
                    bestRow = row;
                }
            }
        }
        if (bestScore < threshold) {
            return Match.unknown(bestScore);
        }
        Person person = people.get(personOfRow[bestRow]);
        return new Match(person.id(), person.name(), bestScore, true);
    }

    /** The row of a row-major unit-vector {@code matrix} closest to {@code probe}: exact top-1, the index's yardstick. */
    public static int exactBest(float[] matrix, int count, int dimension, float[] probe) {
        int best = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int row = 0; row < count; row++) {
            float score = Vectors.dot(matrix, row * dimension, probe, 0, dimension);
            if (score > bestScore) {
                bestScore = score;
                best = row;
            }
        }
        return best;
    }
}
