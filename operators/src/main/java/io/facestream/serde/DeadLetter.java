package io.facestream.serde;

import java.io.Serializable;

/** An input that could not be processed, with the reason and the stage that refused it. */
public record DeadLetter(RawRecord raw, String stage, String error) implements Serializable {
}
