package io.facestream.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A model's image input: tensor name and NCHW shape, channel order, and per-channel
 * normalisation {@code (pixel - mean) / std} in that channel order.
 */
public record InputSpec(String name, long[] shape, ChannelOrder channelOrder, float[] mean, float[] std)
        implements Serializable {

    public enum ChannelOrder { RGB, BGR }

    public int channels() {
        return (int) shape[1];
    }

    public int height() {
        return (int) shape[2];
    }

    public int width() {
        return (int) shape[3];
    }

    /** The same input at another height and width (a detector whose graph takes any size). */
    public InputSpec withSize(int height, int width) {
        return new InputSpec(name, new long[] {shape[0], shape[1], height, width}, channelOrder, mean, std);
    }

    /** The batch dimension of the model file: a positive number when fixed, -1 when dynamic. */
    public long batch() {
        return shape[0];
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + channelOrder + " mean " + Arrays.toString(mean)
                + " std " + Arrays.toString(std);
    }
}
