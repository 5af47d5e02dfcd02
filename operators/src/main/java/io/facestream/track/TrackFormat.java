package io.facestream.track;

import static io.facestream.state.StateFields.readEnum;
import static io.facestream.state.StateFields.readFloats;
import static io.facestream.state.StateFields.readLength;
import static io.facestream.state.StateFields.readString;
import static io.facestream.state.StateFields.writeEnum;
import static io.facestream.state.StateFields.writeFloats;
import static io.facestream.state.StateFields.writeString;

import io.facestream.state.StateCodec;
import io.facestream.state.StateFields;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The state format of a camera's tracks and of the unnamed tracks kept for matching back in time: every field the
 * sightings stage keeps, written field by field (settings are not: they come from the configuration on restore).
 *
 * <p>Format 2 (this version) added the recognizer of the embeddings (null when read from format 1: the job's own). A
 * new field means a new format: write it, and read the older ones with the field's default.
 */
public final class TrackFormat {
    /** The format of {@link CameraTracksCodec}. */
    public static final int CAMERA_TRACKS_VERSION = 2;
    /** The format of {@link UnnamedTrackCodec}. */
    public static final int UNNAMED_TRACK_VERSION = 2;

    private TrackFormat() {
    }

    /** {@link CameraTracks} in state. */
    public static final class CameraTracksCodec implements StateCodec<CameraTracks> {
        @Override
        public int version() {
            return CAMERA_TRACKS_VERSION;
        }

        @Override
        public void write(CameraTracks tracks, DataOutput out) throws IOException {
            out.writeUTF(tracks.camera);
            out.writeLong(tracks.lastFrameMs);
            writeString(out, tracks.model); // format 2
            writeTracker(tracks.tracker, out);
            out.writeInt(tracks.live.size());
            for (TrackState track : tracks.live.values()) {
                writeTrackState(track, out);
            }
        }

        @Override
        public CameraTracks read(int version, DataInput in) throws IOException {
            requireKnown(version, CAMERA_TRACKS_VERSION);
            String camera = in.readUTF();
            long lastFrameMs = in.readLong();
            String model = version >= 2 ? readString(in) : null;
            CameraTracks tracks = new CameraTracks(camera, readTracker(in), lastFrameMs);
            tracks.model = model;
            for (int i = readLength(in); i > 0; i--) {
                TrackState track = readTrackState(in);
                tracks.live.put(track.trackId, track);
            }
            return tracks;
        }
    }

    /** {@link UnnamedTrack} in state. */
    public static final class UnnamedTrackCodec implements StateCodec<UnnamedTrack> {
        @Override
        public int version() {
            return UNNAMED_TRACK_VERSION;
        }

        @Override
        public void write(UnnamedTrack track, DataOutput out) throws IOException {
            out.writeUTF(track.camera());
            out.writeLong(track.trackId());
            out.writeLong(track.firstSeen());
            out.writeLong(track.lastSeen());
            out.writeInt(track.faces());
            writeKeptFaces(track.kept(), out);
            writeString(out, track.model()); // format 2
        }

        @Override
        public UnnamedTrack read(int version, DataInput in) throws IOException {
            requireKnown(version, UNNAMED_TRACK_VERSION);
            return new UnnamedTrack(in.readUTF(), in.readLong(), in.readLong(), in.readLong(), in.readInt(),
                    readKeptFaces(in), version >= 2 ? readString(in) : null);
        }
    }

    private static void requireKnown(int version, int newest) throws IOException {
        if (version < 1 || version > newest) {
            throw new IOException("tracks in state format " + version + "; this version reads formats 1 to " + newest);
        }
    }

    private static void writeTracker(FaceTracker tracker, DataOutput out) throws IOException {
        out.writeLong(tracker.nextTrackId);
        out.writeLong(tracker.lastFrameMs);
        out.writeBoolean(tracker.anyFrame);
        out.writeInt(tracker.tracks.size());
        for (Track track : tracker.tracks) {
            out.writeLong(track.id);
            out.writeLong(track.firstSeenMs);
            out.writeLong(track.lastSeenMs);
            out.writeInt(track.frames);
            writeFloats(out, track.appearance);
            BoxKalmanFilter filter = track.filter;
            for (double[] values : List.of(filter.position, filter.velocity, filter.posVar, filter.posVelCov, filter.velVar)) {
                StateFields.writeDoubles(out, values);
            }
        }
    }

    private static FaceTracker readTracker(DataInput in) throws IOException {
        FaceTracker tracker = new FaceTracker(in.readLong(), in.readLong(), in.readBoolean());
        for (int i = readLength(in); i > 0; i--) {
            long id = in.readLong();
            long firstSeenMs = in.readLong();
            long lastSeenMs = in.readLong();
            int frames = in.readInt();
            float[] appearance = readFloats(in);
            BoxKalmanFilter filter = new BoxKalmanFilter();
            for (double[] values : List.of(filter.position, filter.velocity, filter.posVar, filter.posVelCov, filter.velVar)) {
                StateFields.readDoubles(in, values);
            }
            tracker.tracks.add(new Track(id, filter, firstSeenMs, lastSeenMs, frames, appearance));
        }
        return tracker;
    }

    private static void writeTrackState(TrackState track, DataOutput out) throws IOException {
        out.writeLong(track.trackId);
        out.writeLong(track.firstSeen);
        out.writeLong(track.lastSeen);
        out.writeInt(track.faces);
        writeVote(track.vote, out);
        writeString(out, track.personId);
        writeString(out, track.name);
        writeDecision(track.decided, out);
        writeDecision(track.latest, out);
        out.writeBoolean(track.retired);
        out.writeBoolean(track.forgetFaces);
        writeKeptFaces(track.kept.faces, out);
        out.writeInt(track.names.size());
        for (Map.Entry<String, String> name : track.names.entrySet()) { // least recently used first
            out.writeUTF(name.getKey());
            writeString(out, name.getValue());
        }
    }

    private static TrackState readTrackState(DataInput in) throws IOException {
        long trackId = in.readLong();
        long firstSeen = in.readLong();
        long lastSeen = in.readLong();
        int faces = in.readInt();
        TrackState track = new TrackState(trackId, firstSeen, readVote(in));
        track.lastSeen = lastSeen;
        track.faces = faces;
        track.personId = readString(in);
        track.name = readString(in);
        track.decided = readDecision(in);
        track.latest = readDecision(in);
        track.retired = in.readBoolean();
        track.forgetFaces = in.readBoolean();
        track.kept.faces.addAll(readKeptFaces(in));
        for (int i = readLength(in); i > 0; i--) {
            track.names.put(in.readUTF(), readString(in));
        }
        return track;
    }

    private static void writeVote(IdentityVote vote, DataOutput out) throws IOException {
        writeTally(vote.unknown, out);
        writeTally(vote.all, out);
        out.writeInt(vote.persons.size());
        for (PersonTally tally : vote.persons) {
            writeString(out, tally.personId);
            writeTally(tally, out);
        }
    }

    private static IdentityVote readVote(DataInput in) throws IOException {
        IdentityVote vote = new IdentityVote();
        readTally(in, vote.unknown);
        readTally(in, vote.all);
        for (int i = readLength(in); i > 0; i--) {
            PersonTally tally = new PersonTally(readString(in));
            readTally(in, tally);
            vote.persons.add(tally);
        }
        return vote;
    }

    private static void writeTally(PersonTally tally, DataOutput out) throws IOException {
        out.writeDouble(tally.weight);
        out.writeInt(tally.faces);
        out.writeDouble(tally.bestScore);
        writeObservation(tally.bestObservation, out);
        out.writeDouble(tally.bestObservationWeight);
    }

    private static void readTally(DataInput in, PersonTally into) throws IOException {
        into.weight = in.readDouble();
        into.faces = in.readInt();
        into.bestScore = in.readDouble();
        into.bestObservation = readObservation(in);
        into.bestObservationWeight = in.readDouble();
    }

    private static void writeDecision(IdentityDecision decision, DataOutput out) throws IOException {
        out.writeBoolean(decision != null);
        if (decision != null) {
            writeString(out, decision.personId());
            writeEnum(out, decision.verdict());
            out.writeInt(decision.faces());
            out.writeInt(decision.totalFaces());
            out.writeDouble(decision.bestScore());
            writeObservation(decision.bestObservation(), out);
        }
    }

    private static IdentityDecision readDecision(DataInput in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new IdentityDecision(readString(in), readEnum(in, IdentityDecision.Verdict.class), in.readInt(),
                in.readInt(), in.readDouble(), readObservation(in));
    }

    private static void writeKeptFaces(List<KeptFace> faces, DataOutput out) throws IOException {
        out.writeInt(faces.size());
        for (KeptFace face : faces) {
            writeObservation(face.observation(), out);
            writeFloats(out, face.embedding());
            out.writeDouble(face.weight());
        }
    }

    private static List<KeptFace> readKeptFaces(DataInput in) throws IOException {
        int count = readLength(in);
        List<KeptFace> faces = new ArrayList<>(Math.max(count, 0));
        for (int i = 0; i < count; i++) {
            faces.add(new KeptFace(readObservation(in), readFloats(in), in.readDouble()));
        }
        return faces;
    }

    private static void writeObservation(FaceObservation observation, DataOutput out) throws IOException {
        out.writeBoolean(observation != null);
        if (observation == null) {
            return;
        }
        writeString(out, observation.personId());
        out.writeDouble(observation.similarity());
        out.writeDouble(observation.margin());
        out.writeDouble(observation.faceSizePx());
        out.writeDouble(observation.detectionScore());
        out.writeLong(observation.timestampMs());
        out.writeLong(observation.frameSeq());
        FaceBox box = observation.box();
        out.writeBoolean(box != null);
        if (box != null) {
            out.writeDouble(box.x1());
            out.writeDouble(box.y1());
            out.writeDouble(box.x2());
            out.writeDouble(box.y2());
        }
    }

    private static FaceObservation readObservation(DataInput in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        String personId = readString(in);
        double similarity = in.readDouble();
        double margin = in.readDouble();
        double faceSizePx = in.readDouble();
        double detectionScore = in.readDouble();
        long timestampMs = in.readLong();
        long frameSeq = in.readLong();
        FaceBox box = in.readBoolean() ? new FaceBox(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble()) : null;
        return new FaceObservation(personId, similarity, margin, faceSizePx, detectionScore, timestampMs, frameSeq, box);
    }
}
