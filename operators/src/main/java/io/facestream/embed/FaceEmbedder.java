package io.facestream.embed;

import io.facestream.inference.InferenceOutputs;
import io.facestream.inference.InferenceSession;
import io.facestream.inference.InputBuffers;
import io.facestream.model.ImagePreprocessor;
import io.facestream.model.InputSpec;
import io.facestream.model.RecognizerModel;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.function.IntConsumer;
import org.opencv.core.Mat;

/** Aligned crop to an L2-normalised embedding, with the manifest's preprocessing. */
public final class FaceEmbedder implements AutoCloseable {
    private final RecognizerModel model;
    private final InferenceSession session;
    private final int maxBatch;
    private final InputBuffers inputBuffers = new InputBuffers();
    private final IntConsumer batchSizes;

    /** {@code batchSizes} hears the number of crops of every recognizer call. */
    public FaceEmbedder(RecognizerModel model, InferenceSession session, IntConsumer batchSizes) {
        this.model = model;
        this.session = session;
        this.batchSizes = batchSizes;
        long fileBatch = session.inputShape(model.input().name())[0];
        // A model file with a fixed batch of 1 runs one crop per call; a dynamic batch takes many.
        this.maxBatch = fileBatch < 0 ? Integer.MAX_VALUE : (int) fileBatch;
    }

    public float[] embed(Mat alignedCrop) {
        return embedAll(List.of(alignedCrop)).get(0);
    }

    /** Embeddings of several crops, in order, batched as far as the model file allows. */
    public List<float[]> embedAll(List<Mat> alignedCrops) {
        InputSpec input = model.input();
        int perImage = input.channels() * input.height() * input.width();
        java.util.ArrayList<float[]> embeddings = new java.util.ArrayList<>(alignedCrops.size());
        for (int start = 0; start < alignedCrops.size(); start += maxBatch) {
            int count = Math.min(maxBatch, alignedCrops.size() - start);
            FloatBuffer tensor = inputBuffers.get(count * perImage);
            for (int i = 0; i < count; i++) {
                ImagePreprocessor.write(alignedCrops.get(start + i), input, tensor, i * perImage);
            }
            InferenceOutputs outputs = session.run(input.name(), tensor,
                    new long[] {count, input.channels(), input.height(), input.width()}, List.of(model.outputName()));
            batchSizes.accept(count);
            float[] flat = outputs.get(model.outputName());
            if (flat.length != count * model.dimension()) {
                throw new IllegalStateException("recognizer '" + model.id() + "' returned " + flat.length
                        + " values for " + count + " crops, expected " + model.dimension() + " per crop");
            }
            for (int i = 0; i < count; i++) {
                float[] embedding = java.util.Arrays.copyOfRange(flat, i * model.dimension(), (i + 1) * model.dimension());
                embeddings.add(Vectors.l2Normalize(embedding));
            }
        }
        return embeddings;
    }

    /** The largest batch the model file accepts: 1 when its batch dimension is fixed at 1. */
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public void close() {
        session.close();
    }
}
