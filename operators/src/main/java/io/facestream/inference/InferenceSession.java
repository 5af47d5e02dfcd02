package io.facestream.inference;

import java.nio.FloatBuffer;
import java.util.Collection;

/**
 * A lease on a shared ONNX Runtime session. Thread-safe: ONNX Runtime allows concurrent
 * {@code run} calls on one session. Closing the lease releases it; the session itself is
 * closed with its last lease.
 */
public interface InferenceSession extends AutoCloseable {

    /** Runs the model on one float input; all native tensors are closed before this returns. */
    InferenceOutputs run(String inputName, FloatBuffer input, long[] shape, Collection<String> outputNames);

    /** The device the session actually runs on (after the {@code auto} fallback). */
    InferenceDevice device();

    /** The declared shape of an input in the model file; -1 for a dynamic dimension. */
    long[] inputShape(String inputName);

    @Override
    void close();
}
