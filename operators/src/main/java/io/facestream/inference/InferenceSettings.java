package io.facestream.inference;

import java.io.Serializable;

/**
 * How ONNX Runtime sessions are created: the device, the thread counts (0 = ONNX Runtime's
 * choice) and whether a model's fixed batch of 1 is made dynamic (so crops can be batched).
 */
public record InferenceSettings(InferenceDevice device, int intraOpThreads, int interOpThreads, boolean dynamicBatch)
        implements Serializable {

    public InferenceSettings(InferenceDevice device, int intraOpThreads, int interOpThreads) {
        this(device, intraOpThreads, interOpThreads, false);
    }

    public static InferenceSettings cpu() {
        return new InferenceSettings(InferenceDevice.CPU, 0, 0, false);
    }

    public InferenceSettings withDevice(InferenceDevice newDevice) {
        return new InferenceSettings(newDevice, intraOpThreads, interOpThreads, dynamicBatch);
    }

    public InferenceSettings withDynamicBatch(boolean dynamic) {
        return new InferenceSettings(device, intraOpThreads, interOpThreads, dynamic);
    }
}
