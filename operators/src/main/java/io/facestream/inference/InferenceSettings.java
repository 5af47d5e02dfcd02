package io.facestream.inference;

import java.io.Serializable;

/**
 * How ONNX Runtime sessions are created: the device, the thread counts (0 = ONNX Runtime's
 * choice), whether a model's fixed batch of 1 is made dynamic (so crops can be batched) and whether its fixed image
 * height and width are (so a detector runs each frame at the frame's own size).
 */
public record InferenceSettings(InferenceDevice device, int intraOpThreads, int interOpThreads, boolean dynamicBatch,
                                boolean dynamicImageSize) implements Serializable {

    public InferenceSettings(InferenceDevice device, int intraOpThreads, int interOpThreads) {
        this(device, intraOpThreads, interOpThreads, false, false);
    }

    public InferenceSettings(InferenceDevice device, int intraOpThreads, int interOpThreads, boolean dynamicBatch) {
        this(device, intraOpThreads, interOpThreads, dynamicBatch, false);
    }

    public static InferenceSettings cpu() {
        return new InferenceSettings(InferenceDevice.CPU, 0, 0, false, false);
    }

    public InferenceSettings withDevice(InferenceDevice newDevice) {
        return new InferenceSettings(newDevice, intraOpThreads, interOpThreads, dynamicBatch, dynamicImageSize);
    }

    public InferenceSettings withDynamicBatch(boolean dynamic) {
        return new InferenceSettings(device, intraOpThreads, interOpThreads, dynamic, dynamicImageSize);
    }

    public InferenceSettings withDynamicImageSize(boolean dynamic) {
        return new InferenceSettings(device, intraOpThreads, interOpThreads, dynamicBatch, dynamic);
    }
}
