package io.facestream.stream;

import io.facestream.match.Match;
import io.facestream.pipeline.Face;
import io.facestream.serde.FrameRecord;
import java.io.Serializable;

/**
 * One gallery shard's answer for a frame: for each face (in the frame's order) the best person
 * among the shard's people, or an unknown with the shard's best score. The gatherer merges the
 * answers of all {@code shards} shards into the frame's matches. Faces travel without their
 * embeddings, which the shards have used. During a recognizer switch, {@code previousBest} holds the answers by the
 * previous recognizer (null otherwise) and {@code ready} says whether this shard's gallery of the new recognizer is
 * complete; without a switch it is always ready.
 */
public record ShardMatches(String frameKey, int shards, FrameRecord frame, Face[] faces, Match[] best, Match[] previousBest,
                           boolean ready) implements Serializable {

    public ShardMatches(String frameKey, int shards, FrameRecord frame, Face[] faces, Match[] best) {
        this(frameKey, shards, frame, faces, best, null, true);
    }

    /** The frame's id across shards: its source partition and offset (unique within the frames topic). */
    public static String keyOf(FrameRecord frame) {
        return frame.raw().topic() + "/" + frame.raw().partition() + "@" + frame.raw().offset();
    }
}
