package io.facestream.inference;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where inference runs: {@code auto} (CUDA when a session can be created on it, else CPU),
 * {@code cpu}, or {@code cuda} / {@code cuda:N} (CUDA or fail at start-up).
 */
public record InferenceDevice(Kind kind, int index) implements Serializable {

    public enum Kind { AUTO, CPU, CUDA }

    public static final InferenceDevice CPU = new InferenceDevice(Kind.CPU, 0);

    public static InferenceDevice parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("auto")) {
            return new InferenceDevice(Kind.AUTO, 0);
        }
        if (value.equals("cpu")) {
            return CPU;
        }
        if (value.equals("cuda")) {
            return new InferenceDevice(Kind.CUDA, 0);
        }
        if (value.startsWith("cuda:")) {
            try {
                int index = Integer.parseInt(value.substring(5));
                if (index >= 0) {
                    return new InferenceDevice(Kind.CUDA, index);
                }
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("inference device '" + text + "' is not one of auto, cpu, cuda, cuda:N");
    }

    /** The same choice on another GPU, e.g. the one Flink's external resource framework assigned. */
    public InferenceDevice onGpu(int gpuIndex) {
        return kind == Kind.CPU ? this : new InferenceDevice(kind, gpuIndex);
    }

    public boolean wantsCuda() {
        return kind != Kind.CPU;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case CPU -> "cpu";
            case CUDA -> "cuda:" + index;
        };
    }
}
