package io.facestream.stream;

import io.facestream.match.Match;
import io.facestream.pipeline.Face;
import io.facestream.serde.FrameRecord;
import java.io.Serializable;

/**
 * A frame with faces after matching: each face (with its embedding) and the best person over all gallery shards.
 * What both outputs are made of: the per-face matches and, through the sightings stage, the sightings.
 */
public record MatchedFrame(FrameRecord frame, Face[] faces, Match[] best) implements Serializable {
}
