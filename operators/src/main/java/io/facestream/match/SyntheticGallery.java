package io.facestream.match;

import io.facestream.embed.Vectors;
import java.util.Random;

/**
 * A gallery shaped like real ones, for benchmarks and tests: each person a random unit centre,
 * each of their embeddings at cosine 0.55-0.80 to it (as photos of one face are to each other
 * with real recognizers, not the 0.9+ of a tight synthetic cluster), and probes drawn the same
 * way from enrolled people or from people never enrolled.
 */
public final class SyntheticGallery {
    private final int dimension;
    private final Random random;

    public SyntheticGallery(int dimension, long seed) {
        this.dimension = dimension;
        this.random = new Random(seed);
    }

    /** A random unit vector: a person's centre. */
    public float[] centre() {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.l2Normalize(v);
    }

    /** An embedding of the person with this centre: at cosine uniformly 0.55-0.80 to it. */
    public float[] around(float[] centre) {
        double cosine = 0.55 + 0.25 * random.nextDouble();
        float[] noise = centre();
        double along = 0;
        for (int i = 0; i < dimension; i++) {
            along += noise[i] * centre[i];
        }
        for (int i = 0; i < dimension; i++) {
            noise[i] -= (float) (along * centre[i]); // orthogonal to the centre
        }
        Vectors.l2Normalize(noise);
        double sine = Math.sqrt(1 - cosine * cosine);
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) (cosine * centre[i] + sine * noise[i]);
        }
        return Vectors.l2Normalize(v);
    }

    /** {@code count} embeddings of one person. */
    public float[][] person(float[] centre, int count) {
        float[][] embeddings = new float[count][];
        for (int i = 0; i < count; i++) {
            embeddings[i] = around(centre);
        }
        return embeddings;
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }
}
