package io.facestream.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One direct buffer per thread for a model's input, grown to the largest input asked of it and reused. ONNX Runtime
 * reads a direct buffer in place; a heap buffer it copies into a new direct buffer on every run, and that memory is
 * freed only when a garbage collection reaches it: megabytes a frame held outside the heap, and, at the direct memory
 * limit, a full collection forced from inside the frame path.
 */
public final class InputBuffers {
    private final ThreadLocal<FloatBuffer> buffers = new ThreadLocal<>();

    /** This thread's buffer, cleared, with room for exactly {@code floats} (position 0, limit {@code floats}). */
    public FloatBuffer get(int floats) {
        FloatBuffer buffer = buffers.get();
        if (buffer == null || buffer.capacity() < floats) {
            buffer = ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES)).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            buffers.set(buffer);
        }
        buffer.clear();
        buffer.limit(floats);
        return buffer;
    }
}
