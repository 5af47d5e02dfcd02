package io.facestream.model;

/** A model cannot be used: missing file, wrong checksum, wrong tensor shape, bad manifest entry. */
public class ModelException extends IllegalStateException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
