package io.facestream.bench;

import io.facestream.config.FaceStreamConfig;
import io.facestream.demo.SamplePeople;
import io.facestream.match.GallerySnapshot;
import io.facestream.match.Person;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.pipeline.StageListener;
import io.facestream.reuse.RecentFaces;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.serde.RawRecord;
import io.facestream.stream.EnrollmentFunction;
import io.facestream.stream.StreamSettings;
import io.facestream.track.CameraTracks;
import io.facestream.track.Sighting;
import io.facestream.track.TrackedFace;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Recognize less: the sample cameras' frames through the job's own pieces (pipeline, gallery, tracker and vote),
 * once embedding every face and once reusing the embeddings of unchanged faces; counts recognizer calls and compares
 * the sightings. Deterministic: one thread, frames in order, capture times from the frame rate.
 */
final class SightingsBenchmark {
    private final PrintWriter err;

    SightingsBenchmark(PrintWriter err) {
        this.err = err;
    }

    /** What one camera gave in one mode. */
    record Pass(int frames, int faces, long recognized, List<String> sightings) {
    }

    Map<String, Object> run(FaceStreamConfig config, SamplePeople samples, double fps, int maxFrames) {
        StreamSettings settings = StreamSettings.from(config);
        PipelineSettings pipelineSettings = settings.pipeline().withBatching(PipelineSettings.Batching.OFF);
        AtomicLong recognized = new AtomicLong();
        StageListener counting = new StageListener() {
            @Override
            public void embedded(int faces, long nanos) {
                recognized.addAndGet(faces);
            }
        };
        Map<String, Object> results = new LinkedHashMap<>();
        try (FacePipeline pipeline = FacePipeline.open(pipelineSettings, counting)) {
            GallerySnapshot gallery = GallerySnapshot.of(enroll(samples.people(), pipeline));
            long everyFace = 0;
            long reusing = 0;
            int frames = 0;
            boolean same = true;
            for (Map.Entry<String, Path> camera : samples.cameras().entrySet()) {
                List<byte[]> jpegs = BenchFrames.read(camera.getValue(), fps, maxFrames);
                err.printf("bench: %s, %d frames, every face embedded%n", camera.getKey(), jpegs.size());
                Pass off = pass(camera.getKey(), jpegs, fps, pipeline, gallery, settings, null, recognized);
                err.printf("bench: %s, unchanged faces reusing their embeddings%n", camera.getKey());
                Pass on = pass(camera.getKey(), jpegs, fps, pipeline, gallery, settings,
                        new RecentFaces(settings.analysis().reuse()), recognized);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("frames", on.frames());
                row.put("faces", on.faces());
                row.put("recognizer_calls_every_face", off.recognized());
                row.put("recognizer_calls_reusing", on.recognized());
                row.put("calls_per_frame_every_face", Stopwatch.round((double) off.recognized() / off.frames(), 3));
                row.put("calls_per_frame_reusing", Stopwatch.round((double) on.recognized() / on.frames(), 3));
                row.put("reduction", Stopwatch.round((double) off.recognized() / Math.max(1, on.recognized()), 2));
                row.put("sightings_every_face", off.sightings());
                row.put("sightings_reusing", on.sightings());
                row.put("same_sightings", off.sightings().equals(on.sightings()));
                results.put(camera.getKey(), row);
                everyFace += off.recognized();
                reusing += on.recognized();
                frames += on.frames();
                same &= off.sightings().equals(on.sightings());
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("sightings_frames", frames);
            summary.put("recognizer_calls_per_frame_every_face", Stopwatch.round((double) everyFace / frames, 3));
            summary.put("recognizer_calls_per_frame_reusing", Stopwatch.round((double) reusing / frames, 3));
            summary.put("recognizer_calls_reduction", Stopwatch.round((double) everyFace / Math.max(1, reusing), 2));
            summary.put("same_sightings", same);
            summary.put("reembed_every_frames", settings.analysis().reuse().reembedEveryFrames());
            summary.put("fps", fps);
            results.put("summary", summary);
        }
        return results;
    }

    private static Pass pass(String camera, List<byte[]> jpegs, double fps, FacePipeline pipeline, GallerySnapshot gallery,
            StreamSettings settings, RecentFaces recent, AtomicLong recognized) {
        long before = recognized.get();
        CameraTracks tracks = new CameraTracks(camera, settings.tracking().sightings());
        List<Sighting> sightings = new ArrayList<>();
        int faces = 0;
        for (int seq = 0; seq < jpegs.size(); seq++) {
            long timestampMs = Math.round(seq * 1000 / fps);
            List<Face> found = recent == null ? pipeline.analyze(jpegs.get(seq), true).faces()
                    : pipeline.analyze(jpegs.get(seq), recent, timestampMs).faces();
            faces += found.size();
            List<TrackedFace> tracked = new ArrayList<>();
            for (Face face : found) {
                tracked.add(TrackedFace.of(face.detection(), face.embedding(),
                        gallery.best(face.embedding(), settings.match().matchThreshold())));
            }
            sightings.addAll(tracks.frame(seq, timestampMs, tracked).sightings());
        }
        sightings.addAll(tracks.closeAll().sightings());
        List<String> described = sightings.stream()
                .filter(s -> s.state() == Sighting.State.CLOSED || s.state() == Sighting.State.UPDATE)
                .map(s -> String.format("%s %s %.1f-%.1f s", s.state().wire(), s.personId(), s.firstSeen() / 1000.0,
                        s.lastSeen() / 1000.0))
                .toList();
        return new Pass(jpegs.size(), faces, recognized.get() - before, described);
    }

    /** The sample people, by the job's own enrollment rule. */
    private static List<Person> enroll(List<EnrollmentRequest> people, FacePipeline pipeline) {
        List<Person> enrolled = new ArrayList<>();
        for (EnrollmentRequest person : people) {
            byte[] key = person.personId().getBytes(StandardCharsets.UTF_8);
            RawRecord raw = new RawRecord(key, person.json(), new String[0], new byte[0][], "enrollments", 0, 0, 0);
            enrolled.add(EnrollmentFunction.toPerson(new EnrollmentRecord(person.personId(), raw), pipeline));
        }
        return enrolled;
    }
}
