package io.facestream.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Nullable strings and arrays for {@link StateCodec}s: a length (or -1 for null), then the elements. */
public final class StateFields {
    private StateFields() {
    }

    public static void writeString(DataOutput out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    public static String readString(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    public static void writeFloats(DataOutput out, float[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) {
            for (float value : values) {
                out.writeFloat(value);
            }
        }
    }

    public static float[] readFloats(DataInput in) throws IOException {
        int length = readLength(in);
        if (length < 0) {
            return null;
        }
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    public static void writeFloatRows(DataOutput out, float[][] rows) throws IOException {
        out.writeInt(rows == null ? -1 : rows.length);
        if (rows != null) {
            for (float[] row : rows) {
                writeFloats(out, row);
            }
        }
    }

    public static float[][] readFloatRows(DataInput in) throws IOException {
        int length = readLength(in);
        if (length < 0) {
            return null;
        }
        float[][] rows = new float[length][];
        for (int i = 0; i < length; i++) {
            rows[i] = readFloats(in);
        }
        return rows;
    }

    public static void writeDoubles(DataOutput out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double value : values) {
            out.writeDouble(value);
        }
    }

    /** Reads into {@code into}, which must have the written length (fixed-size arrays of the reader's class). */
    public static void readDoubles(DataInput in, double[] into) throws IOException {
        int length = in.readInt();
        if (length != into.length) {
            throw new IOException("expected " + into.length + " values, the state has " + length);
        }
        for (int i = 0; i < length; i++) {
            into[i] = in.readDouble();
        }
    }

    /** A count or length: never negative except -1 (null), and not absurd, so a corrupt value fails here. */
    public static int readLength(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < -1 || length > (1 << 26)) {
            throw new IOException("corrupt state: a length of " + length);
        }
        return length;
    }

    public static <E extends Enum<E>> void writeEnum(DataOutput out, E value) throws IOException {
        writeString(out, value == null ? null : value.name());
    }

    public static <E extends Enum<E>> E readEnum(DataInput in, Class<E> type) throws IOException {
        String name = readString(in);
        try {
            return name == null ? null : Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IOException("state names " + type.getSimpleName() + " '" + name + "', which this version lacks", e);
        }
    }
}
