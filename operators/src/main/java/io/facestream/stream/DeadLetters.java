package io.facestream.stream;

import io.facestream.serde.DeadLetter;
import org.apache.flink.util.OutputTag;

/** The side output every stage sends unprocessable input to, and the stage names it records. */
public final class DeadLetters {
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {
    };

    public static final String STAGE_INPUT = "input";
    public static final String STAGE_DECODE = "decode";
    public static final String STAGE_ANALYSIS = "analysis";
    public static final String STAGE_TIMEOUT = "timeout";
    public static final String STAGE_OVERLOAD = "overload";
    public static final String STAGE_ENROLLMENT = "enrollment";
    /** A person in the gallery whom the job cannot match (enrolled with another recognizer): enroll them again. */
    public static final String STAGE_GALLERY = "gallery";

    private DeadLetters() {
    }
}
