package io.facestream.match;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Candidate people for a face, from a compact in-memory summary of each person: the sign bits of
 * their template (the normalised mean of their embeddings; 64 bytes at 512 dimensions) and the
 * template in int8 (512 bytes plus a scale). A search scans every sign code with XOR and
 * {@code Long.bitCount} (Hamming distance), scores the closest ones with the int8 templates and
 * returns the most likely people; the caller re-ranks their real embeddings exactly. About
 * 600 bytes a person, 150 MB per million embeddings at four a person, where the embeddings
 * themselves take 2 GB (they stay in keyed state, read only for the few people returned).
 *
 * <p>Chosen over JVector, Lucene HNSW and hnswlib after measuring all of them on a realistic
 * synthetic gallery (BENCHMARKS.md): on Java 17 their graph searches need wide beams for 0.99
 * recall on such high-dimensional data and take seconds to minutes to build per 100k, while
 * this scan answers a million embeddings in about half a millisecond, with recall 1.0 on
 * enrolled faces, and adds or removes a person in microseconds.
 *
 * <p>Not thread-safe: the gallery operator updates and searches it on its task thread.
 */
public final class PersonIndex {
    private final int dimension;
    private final int words;
    private long[] signs;
    private byte[] templates;
    private float[] inverseScales;
    private String[] ids;
    private final Map<String, Integer> slots = new HashMap<>();
    private int[] freeSlots = new int[16];
    private int free;
    private int used;

    public PersonIndex(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        }
        this.dimension = dimension;
        this.words = SignCodes.words(dimension);
        allocate(1024);
    }

    public int dimension() {
        return dimension;
    }

    public int size() {
        return slots.size();
    }

    public boolean contains(String id) {
        return slots.containsKey(id);
    }

    /** Adds the person, or replaces what was known of them, from their unit-length embeddings. */
    public void put(String id, float[][] embeddings) {
        if (embeddings.length == 0) {
            remove(id);
            return;
        }
        float[] template = new float[dimension];
        for (float[] embedding : embeddings) {
            if (embedding.length != dimension) {
                throw new IllegalArgumentException("person '" + id + "' has an embedding of " + embedding.length
                        + " values; the index holds " + dimension);
            }
            for (int i = 0; i < dimension; i++) {
                template[i] += embedding[i];
            }
        }
        Integer existing = slots.get(id);
        int slot = existing != null ? existing : takeSlot();
        SignCodes.write(template, signs, slot * words);
        inverseScales[slot] = quantize(template, templates, slot * dimension);
        ids[slot] = id;
        slots.put(id, slot);
    }

    /** Removes the person; their slot is reused by a later addition. */
    public boolean remove(String id) {
        Integer slot = slots.remove(id);
        if (slot == null) {
            return false;
        }
        ids[slot] = null;
        if (free == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, free * 2);
        }
        freeSlots[free++] = slot;
        return true;
    }

    /**
     * The ids of at most {@code people} people most likely to be the face's, best first: the
     * {@code hammingCandidates} closest sign codes, ranked by their int8 template score.
     */
    public String[] candidates(float[] probe, int hammingCandidates, int people) {
        if (probe.length != dimension) {
            throw new IllegalArgumentException("probe has " + probe.length + " values; the index holds " + dimension);
        }
        if (slots.isEmpty()) {
            return new String[0];
        }
        long[] probeSigns = SignCodes.of(probe);
        int[] closest = closestSigns(probeSigns, Math.min(hammingCandidates, slots.size()));
        byte[] probeCode = new byte[dimension];
        float probeInverseScale = quantize(probe, probeCode, 0);
        long[] ranked = new long[closest.length];
        for (int i = 0; i < closest.length; i++) {
            int slot = closest[i];
            float score = int8Dot(probeCode, templates, slot * dimension, dimension) * probeInverseScale * inverseScales[slot];
            // Sort key: the score's order-preserving bits, highest first, then the slot.
            ranked[i] = ((long) ~sortableBits(score) << 32) | slot;
        }
        Arrays.sort(ranked);
        String[] out = new String[Math.min(people, ranked.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids[(int) ranked[i]];
        }
        return out;
    }

    /** Bytes held by the summaries (sign codes, int8 templates, scales, slot tables; not the id strings). */
    public long bytes() {
        return signs.length * 8L + templates.length + inverseScales.length * 4L + ids.length * 8L + freeSlots.length * 4L;
    }

    /** The {@code k} live slots whose sign codes are closest to the probe's (a bounded max-heap on distance). */
    private int[] closestSigns(long[] probe, int k) {
        int[] distance = new int[k];
        int[] slot = new int[k];
        int n = 0;
        int bound = Integer.MAX_VALUE;
        for (int s = 0, offset = 0; s < used; s++, offset += words) {
            int d = SignCodes.distance(probe, 0, signs, offset, words);
            if (d < bound && ids[s] != null) {
                if (n < k) {
                    distance[n] = d;
                    slot[n] = s;
                    n++;
                    if (n == k) {
                        for (int i = k / 2 - 1; i >= 0; i--) {
                            siftDown(distance, slot, i, k);
                        }
                        bound = distance[0];
                    }
                } else {
                    distance[0] = d;
                    slot[0] = s;
                    siftDown(distance, slot, 0, k);
                    bound = distance[0];
                }
            }
        }
        return n == k ? slot : Arrays.copyOf(slot, n);
    }

    private static void siftDown(int[] distance, int[] slot, int i, int n) {
        while (true) {
            int largest = i;
            int left = 2 * i + 1;
            int right = left + 1;
            if (left < n && distance[left] > distance[largest]) {
                largest = left;
            }
            if (right < n && distance[right] > distance[largest]) {
                largest = right;
            }
            if (largest == i) {
                return;
            }
            int d = distance[i];
            distance[i] = distance[largest];
            distance[largest] = d;
            int s = slot[i];
            slot[i] = slot[largest];
            slot[largest] = s;
            i = largest;
        }
    }

    /** int8 codes of {@code values} scaled so the largest magnitude is 127; returns 1 / scale (0 for a zero vector). */
    private float quantize(float[] values, byte[] out, int offset) {
        float max = 0;
        for (int i = 0; i < dimension; i++) {
            max = Math.max(max, Math.abs(values[i]));
        }
        if (max == 0) {
            Arrays.fill(out, offset, offset + dimension, (byte) 0);
            return 0;
        }
        float scale = 127f / max;
        for (int i = 0; i < dimension; i++) {
            out[offset + i] = (byte) Math.round(values[i] * scale);
        }
        return 1f / scale;
    }

    private static int int8Dot(byte[] a, byte[] b, int offset, int length) {
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        int s3 = 0;
        int i = 0;
        for (; i + 3 < length; i += 4) {
            s0 += a[i] * b[offset + i];
            s1 += a[i + 1] * b[offset + i + 1];
            s2 += a[i + 2] * b[offset + i + 2];
            s3 += a[i + 3] * b[offset + i + 3];
        }
        int sum = s0 + s1 + s2 + s3;
        for (; i < length; i++) {
            sum += a[i] * b[offset + i];
        }
        return sum;
    }

    /** Float bits whose signed int order is the floats' order (negative floats get their magnitude bits flipped). */
    private static int sortableBits(float value) {
        int bits = Float.floatToIntBits(value);
        return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }

    private int takeSlot() {
        if (free > 0) {
            return freeSlots[--free];
        }
        if (used == ids.length) {
            allocate(ids.length * 2);
        }
        return used++;
    }

    private void allocate(int capacity) {
        signs = signs == null ? new long[capacity * words] : Arrays.copyOf(signs, capacity * words);
        templates = templates == null ? new byte[Math.multiplyExact(capacity, dimension)]
                : Arrays.copyOf(templates, Math.multiplyExact(capacity, dimension));
        inverseScales = inverseScales == null ? new float[capacity] : Arrays.copyOf(inverseScales, capacity);
        ids = ids == null ? new String[capacity] : Arrays.copyOf(ids, capacity);
    }
}
