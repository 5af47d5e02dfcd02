package io.facestream.serde;

import java.io.Serializable;

/**
 * One camera frame from the frames topic. {@code problem} is set when the record itself is
 * unusable (no camera id, an unreadable header); such frames go to the dead-letter topic.
 */
public record FrameRecord(String camera, long frameSeq, long captureTs, RawRecord raw, String problem)
        implements Serializable {

    public byte[] image() {
        return raw.value();
    }
}
