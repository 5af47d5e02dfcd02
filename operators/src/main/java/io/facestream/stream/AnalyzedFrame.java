package io.facestream.stream;

import io.facestream.pipeline.Face;
import io.facestream.serde.FrameRecord;
import java.io.Serializable;
import java.util.List;

/**
 * The async stage's result for one frame: its faces, or the reason it failed (then the frame
 * keeps its image bytes for the dead-letter topic; on success they are dropped). Arrays, not
 * lists, so Flink serializes it without falling back to Kryo.
 */
public record AnalyzedFrame(FrameRecord frame, Face[] faces, String errorStage, String error) implements Serializable {

    public static AnalyzedFrame success(FrameRecord frame, List<Face> faces) {
        FrameRecord light = new FrameRecord(frame.camera(), frame.frameSeq(), frame.captureTs(), frame.raw().withoutValue(), null);
        return new AnalyzedFrame(light, faces.toArray(Face[]::new), null, null);
    }

    public static AnalyzedFrame failure(FrameRecord frame, String stage, String error) {
        return new AnalyzedFrame(frame, new Face[0], stage, error);
    }

    public boolean failed() {
        return error != null;
    }
}
