package io.facestream.inference;

import java.util.Map;

/** Output tensors copied out of ONNX Runtime (so no native memory outlives the call), by output name. */
public record InferenceOutputs(Map<String, float[]> values, Map<String, long[]> shapes) {

    public float[] get(String name) {
        float[] value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no output '" + name + "'; have " + values.keySet());
        }
        return value;
    }

    public long[] shape(String name) {
        return shapes.get(name);
    }
}
