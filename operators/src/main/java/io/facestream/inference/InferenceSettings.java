package io.facestream.inference;

import java.io.Serializable;

/** How ONNX Runtime sessions are created: the device and the thread counts (0 = ONNX Runtime's choice). */
public record InferenceSettings(InferenceDevice device, int intraOpThreads, int interOpThreads) implements Serializable {

    public static InferenceSettings cpu() {
        return new InferenceSettings(InferenceDevice.CPU, 0, 0);
    }

    public InferenceSettings withDevice(InferenceDevice newDevice) {
        return new InferenceSettings(newDevice, intraOpThreads, interOpThreads);
    }
}
