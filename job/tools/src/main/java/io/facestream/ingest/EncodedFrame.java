package io.facestream.ingest;

/** One frame ready for the frames topic: JPEG bytes and its position in the source (seconds). */
public record EncodedFrame(byte[] jpeg, int width, int height, double sourceSeconds) {
}
