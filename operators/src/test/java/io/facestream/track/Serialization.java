package io.facestream.track;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;

/** Round trips through the state format, and through Java serialization (how versions before it kept state). */
final class Serialization {
    private Serialization() {
    }

    /** A camera's tracks written and read back in the state format, without settings (give them with reconfigure). */
    static CameraTracks stateRoundTrip(CameraTracks tracks) {
        return stateRoundTrip(new TrackFormat.CameraTracksCodec(), tracks);
    }

    static <T> T stateRoundTrip(io.facestream.state.StateCodec<T> codec, T value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            codec.write(value, new java.io.DataOutputStream(bytes));
            return codec.read(codec.version(), new java.io.DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends Serializable> T roundTrip(T value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
