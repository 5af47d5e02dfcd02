package io.facestream.stream;

import io.facestream.pipeline.Face;
import io.facestream.pipeline.ImageAnalysis;
import io.facestream.serde.FrameRecord;
import java.io.Serializable;

/**
 * The async stage's result for one frame: its faces (and how many of them went through the
 * recognizer rather than reusing an earlier embedding), or the reason it failed (then the frame
 * keeps its image bytes for the dead-letter topic; on success they are dropped). Arrays, not
 * lists, so Flink serializes it without falling back to Kryo.
 */
public record AnalyzedFrame(FrameRecord frame, Face[] faces, int facesEmbedded, String errorStage, String error)
        implements Serializable {

    /** A frame with these faces, every one of them embedded (for tests and benchmarks). */
    public AnalyzedFrame(FrameRecord frame, Face[] faces, String errorStage, String error) {
        this(frame, faces, faces.length, errorStage, error);
    }

    public static AnalyzedFrame success(FrameRecord frame, ImageAnalysis analysis) {
        FrameRecord light = new FrameRecord(frame.camera(), frame.frameSeq(), frame.captureTs(), frame.raw().location(), null);
        return new AnalyzedFrame(light, analysis.faces().toArray(Face[]::new), analysis.facesEmbedded(), null, null);
    }

    public static AnalyzedFrame failure(FrameRecord frame, String stage, String error) {
        return new AnalyzedFrame(frame, new Face[0], 0, stage, error);
    }

    public boolean failed() {
        return error != null;
    }
}
