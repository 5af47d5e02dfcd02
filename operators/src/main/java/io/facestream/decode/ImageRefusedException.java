package io.facestream.decode;

/** An input that is not a usable image; {@link #getMessage()} is the reason, fit for a user or a dead letter. */
public class ImageRefusedException extends RuntimeException {
    public ImageRefusedException(String reason) {
        super(reason);
    }
}
