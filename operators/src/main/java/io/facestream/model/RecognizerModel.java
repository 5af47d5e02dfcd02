package io.facestream.model;

import java.io.Serializable;

/**
 * A face recognizer entry of the manifest: an aligned crop goes in, one embedding of
 * {@code dimension} floats comes out; embeddings are compared by cosine similarity.
 */
public record RecognizerModel(String id, ModelFile file, InputSpec input, String outputName, int dimension,
                              float[][] alignmentTemplate, double defaultMatchThreshold) implements Serializable {

    public int cropWidth() {
        return input.width();
    }

    public int cropHeight() {
        return input.height();
    }
}
