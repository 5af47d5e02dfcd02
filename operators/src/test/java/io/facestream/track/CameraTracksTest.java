package io.facestream.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CameraTracksTest {
    private static final long FRAME_MS = 100; // 10 fps
    private static final double THRESHOLD = 0.38;
    private static final SightingSettings SETTINGS = SightingSettings.defaults(THRESHOLD);

    /** A person's embedding: people are orthogonal, so the gallery and the appearance gate tell them apart. */
    static float[] embeddingOf(int person) {
        float[] embedding = new float[16];
        embedding[person] = 1;
        return embedding;
    }

    /** A face of {@code person} at (cx, cy), recognised as them. */
    static TrackedFace known(int person, double cx, double cy) {
        return new TrackedFace(FaceBox.ofCentre(cx, cy, 100, 100), 0.95, embeddingOf(person), "p" + person,
                "Person " + person, 0.7, 0.5);
    }

    /** A face of {@code person} the gallery does not know (yet). */
    static TrackedFace unknown(int person, double cx, double cy) {
        return new TrackedFace(FaceBox.ofCentre(cx, cy, 100, 100), 0.95, embeddingOf(person), null, null, 0.1, Double.NaN);
    }

    /** Runs frames k = from .. to-1, each with the faces {@code faces(k)} gives; collects everything written. */
    static List<Sighting> run(CameraTracks tracks, int from, int to, java.util.function.IntFunction<List<TrackedFace>> faces,
            List<UnnamedTrack> unnamed) {
        List<Sighting> written = new ArrayList<>();
        for (int k = from; k < to; k++) {
            CameraTracks.Update update = tracks.frame(k, k * FRAME_MS, faces.apply(k));
            written.addAll(update.sightings());
            unnamed.addAll(update.unnamed());
        }
        return written;
    }

    static List<String> describe(List<Sighting> sightings) {
        return sightings.stream().map(s -> s.state().wire() + " " + s.personId() + " #" + s.trackId()
                + (s.retroactive() ? " retroactive" : "")).toList();
    }

    @Test
    void aSlideshowGivesOneSightingPerAppearanceInOrder() {
        CameraTracks tracks = new CameraTracks("cam", SETTINGS);
        // Three people, 2 s each, framed identically: only their faces tell the appearances apart.
        int[] shown = {1, 2, 1};
        List<Sighting> written = run(tracks, 0, 60, k -> List.of(known(shown[k / 20], 320, 240)), new ArrayList<>());
        written.addAll(tracks.closeAll().sightings());

        assertThat(describe(written.stream().filter(s -> s.state() == Sighting.State.OPEN).toList()))
                .containsExactly("open p1 #1", "open p2 #2", "open p1 #3");
        assertThat(describe(written.stream().filter(s -> s.state() == Sighting.State.CLOSED).toList()))
                .containsExactlyInAnyOrder("closed p1 #1", "closed p2 #2", "closed p1 #3");
        Sighting first = written.stream().filter(s -> s.trackId() == 1 && s.state() == Sighting.State.CLOSED)
                .findFirst().orElseThrow();
        assertThat(first.firstSeen()).isEqualTo(0);
        assertThat(first.lastSeen()).isEqualTo(19 * FRAME_MS);
        assertThat(first.faces()).isEqualTo(20);
        assertThat(first.name()).isEqualTo("Person 1");
        assertThat(first.bestScore()).isEqualTo(0.7, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(first.bestFrameSeq()).isBetween(0L, 19L);
        assertThat(first.bestBox()).isNotNull();
    }

    @Test
    void theSightingOpensOnlyOnceTheVoteHasEnoughFaces() {
        CameraTracks tracks = new CameraTracks("cam", SETTINGS);
        List<Sighting> written = run(tracks, 0, 2, k -> List.of(known(1, 320, 240)), new ArrayList<>());
        assertThat(written).isEmpty();
        written = run(tracks, 2, 3, k -> List.of(known(1, 320, 240)), new ArrayList<>());
        assertThat(describe(written)).containsExactly("open p1 #1");
        assertThat(written.get(0).faces()).isEqualTo(3);
    }

    @Test
    void aGroupPhotoGivesOneTrackPerFace() {
        CameraTracks tracks = new CameraTracks("cam", SETTINGS);
        List<Sighting> written = run(tracks, 0, 10,
                k -> List.of(known(1, 100, 200), known(2, 300, 200), known(3, 500, 200), known(4, 700, 200)),
                new ArrayList<>());
        assertThat(describe(written)).containsExactlyInAnyOrder("open p1 #1", "open p2 #2", "open p3 #3", "open p4 #4");
        assertThat(tracks.liveTracks()).isEqualTo(4);
    }

    @Test
    void aFaceBackAfterTheAbsenceLimitIsASecondSightingAndOneBackSoonerIsNot() {
        CameraTracks tracks = new CameraTracks("cam", SETTINGS);
        // Seen 1 s, gone 1 s (under the 2 s limit), seen 1 s, gone 3 s, seen 1 s.
        List<Sighting> written = run(tracks, 0, 80, k -> {
            boolean visible = k < 10 || (k >= 20 && k < 30) || k >= 60 && k < 70;
            return visible ? List.of(known(1, 320, 240)) : List.of();
        }, new ArrayList<>());
        written.addAll(tracks.closeAll().sightings());
        assertThat(describe(written)).containsExactly("open p1 #1", "closed p1 #1", "open p1 #2", "closed p1 #2");
        assertThat(written.get(1).lastSeen()).isEqualTo(29 * FRAME_MS);
        assertThat(written.get(1).faces()).isEqualTo(20);
    }

    @Test
    void oneFaceTheGalleryGotWrongDoesNotRenameTheTrack() {
        CameraTracks tracks = new CameraTracks("cam", SETTINGS);
        List<Sighting> written = run(tracks, 0, 20, k -> {
            TrackedFace face = known(1, 320, 240);
            if (k == 7) { // a blurred frame: the gallery names someone else, narrowly
                face = new TrackedFace(face.box(), 0.9, face.embedding(), "p9", "Person 9", 0.4, 0.01);
            }
            return List.of(face);
        }, new ArrayList<>());
        written.addAll(tracks.closeAll().sightings());
        assertThat(describe(written)).containsExactly("open p1 #1", "closed p1 #1");
    }

    @Test
    void aTrackThatEndsUnnamedIsKeptAndFoundWhenThePersonIsEnrolled() {
        CameraTracks tracks = new CameraTracks("cam", SETTINGS);
        List<UnnamedTrack> unnamed = new ArrayList<>();
        List<Sighting> written = run(tracks, 0, 15, k -> List.of(unknown(5, 320, 240)), unnamed);
        CameraTracks.Update ended = tracks.expire(15 * FRAME_MS + 3_000);
        assertThat(written).isEmpty();
        assertThat(ended.sightings()).isEmpty(); // unnamed tracks are not written by default
        unnamed.addAll(ended.unnamed());

        assertThat(unnamed).singleElement().satisfies(track -> {
            assertThat(track.kept()).hasSize(SETTINGS.keptFaces());
            assertThat(track.matchBack("p6", "Person 6", new float[][] {embeddingOf(6)}, THRESHOLD, SETTINGS.vote()))
                    .isEmpty();
            Sighting found = track.matchBack("p5", "Person 5", new float[][] {embeddingOf(5)}, THRESHOLD,
                    SETTINGS.vote()).orElseThrow();
            assertThat(describe(List.of(found))).containsExactly("closed p5 #1 retroactive");
            assertThat(found.faces()).isEqualTo(15);
            assertThat(found.firstSeen()).isZero();
            assertThat(found.lastSeen()).isEqualTo(14 * FRAME_MS);
            assertThat(found.bestScore()).isEqualTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
        });
    }

    @Test
    void aLiveUnnamedTrackIsNamedWhenThePersonIsEnrolled() {
        CameraTracks tracks = new CameraTracks("cam", SETTINGS);
        run(tracks, 0, 10, k -> List.of(unknown(5, 320, 240)), new ArrayList<>());
        assertThat(tracks.enrolled("p6", "Person 6", new float[][] {embeddingOf(6)})).isEmpty();
        assertThat(describe(tracks.enrolled("p5", "Person 5", new float[][] {embeddingOf(5)})))
                .containsExactly("open p5 #1 retroactive");
        // From now on the gallery knows them: the track stays theirs and closes once.
        List<Sighting> written = run(tracks, 10, 20, k -> List.of(known(5, 320, 240)), new ArrayList<>());
        written.addAll(tracks.closeAll().sightings());
        assertThat(describe(written)).containsExactly("closed p5 #1");
        assertThat(written.get(0).name()).isEqualTo("Person 5");
    }

    @Test
    void deletingAPersonClosesTheirLiveSightingAndNothingMoreIsWrittenAboutThem() {
        CameraTracks tracks = new CameraTracks("cam", SETTINGS);
        run(tracks, 0, 10, k -> List.of(known(1, 320, 240), known(2, 600, 240)), new ArrayList<>());
        assertThat(describe(tracks.deleted("p1", new float[][] {embeddingOf(1)}))).containsExactly("closed p1 #1");
        List<Sighting> written = run(tracks, 10, 20, k -> List.of(known(1, 320, 240), known(2, 600, 240)),
                new ArrayList<>());
        CameraTracks.Update last = tracks.closeAll();
        written.addAll(last.sightings());
        assertThat(describe(written)).containsExactly("closed p2 #2");
        assertThat(last.unnamed()).isEmpty();
    }

    @Test
    void deletingAPersonErasesTheFacesALiveUnnamedTrackKeptOfThem() {
        CameraTracks tracks = new CameraTracks("cam", SETTINGS);
        run(tracks, 0, 10, k -> List.of(unknown(5, 320, 240), unknown(6, 700, 240)), new ArrayList<>());
        assertThat(tracks.deleted("p5", new float[][] {embeddingOf(5)})).isEmpty(); // nothing was written of them
        run(tracks, 10, 20, k -> List.of(unknown(5, 320, 240), unknown(6, 700, 240)), new ArrayList<>());
        CameraTracks.Update last = tracks.closeAll();
        assertThat(last.unnamed()).as("only the other stranger's faces are kept")
                .singleElement().satisfies(track -> assertThat(track.resembles(new float[][] {embeddingOf(6)}, THRESHOLD)).isTrue());
    }

    @Test
    void unnamedTracksAreWrittenWhenAskedAndOnlyWithEnoughFaces() {
        SightingSettings emitUnknown = new SightingSettings(SETTINGS.tracker(), SETTINGS.vote(), 5, true, THRESHOLD);
        CameraTracks tracks = new CameraTracks("cam", emitUnknown);
        run(tracks, 0, 10, k -> k < 2 ? List.of(unknown(5, 100, 100), unknown(6, 600, 400))
                : List.of(unknown(6, 600, 400)), new ArrayList<>());
        List<Sighting> written = tracks.closeAll().sightings();
        assertThat(describe(written)).containsExactly("closed null #2");
        assertThat(written.get(0).bestBox()).isNotNull();
        assertThat(written.get(0).bestScore()).isNaN();
    }

    @Test
    void aRestoredCameraContinuesExactlyAsTheOriginal() {
        int[] shown = {1, 2, 1, 3};
        // A stranger stands by for the first 4 s; the people change every 2 s with a short gap between them.
        java.util.function.IntFunction<List<TrackedFace>> faces = k -> {
            List<TrackedFace> frame = new ArrayList<>();
            if (k % 20 < 16) {
                frame.add(known(shown[k / 20], 320, 240));
            }
            if (k < 40) {
                frame.add(unknown(7, 700, 100));
            }
            return frame;
        };
        CameraTracks original = new CameraTracks("cam", SETTINGS);
        run(original, 0, 30, faces, new ArrayList<>());
        CameraTracks restored = Serialization.stateRoundTrip(original);
        restored.reconfigure(SETTINGS);
        CameraTracks fromJava = Serialization.roundTrip(original); // as versions before the state format kept it
        List<UnnamedTrack> unnamedOriginal = new ArrayList<>();
        List<UnnamedTrack> unnamedRestored = new ArrayList<>();
        List<Sighting> fromOriginal = run(original, 30, 80, faces, unnamedOriginal);
        List<Sighting> fromRestored = run(restored, 30, 80, faces, unnamedRestored);
        List<UnnamedTrack> unnamedFromJava = new ArrayList<>();
        List<Sighting> fromJavaRestored = run(fromJava, 30, 80, faces, unnamedFromJava);
        assertThat(fromRestored).usingRecursiveFieldByFieldElementComparator().isEqualTo(fromOriginal);
        assertThat(fromJavaRestored).usingRecursiveFieldByFieldElementComparator().isEqualTo(fromOriginal);
        assertThat(describe(fromOriginal)).contains("closed p2 #3", "open p3 #5");
        assertThat(unnamedRestored).isNotEmpty().usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class).isEqualTo(unnamedOriginal);
        assertThat(new TrackFormat.UnnamedTrackCodec()).satisfies(codec -> {
            for (UnnamedTrack track : unnamedOriginal) {
                assertThat(Serialization.stateRoundTrip(codec, track)).usingRecursiveComparison()
                        .withComparatorForType(Double::compare, Double.class).isEqualTo(track);
            }
        });
    }

    @Test
    void afterARestartWithAnotherRecognizerTracksGoOnByPositionAndKeepOnlyItsFaces() {
        CameraTracks tracks = new CameraTracks("cam", SETTINGS);
        tracks.useRecognizer("a");
        List<UnnamedTrack> unnamed = new ArrayList<>();
        List<Sighting> written = run(tracks, 0, 10, k -> List.of(known(1, 320, 240), unknown(7, 700, 100)), unnamed);
        tracks.useRecognizer("b");
        // Recognizer b gives the same people other embeddings: the appearances of a would tell them apart.
        written.addAll(run(tracks, 10, 20, k -> List.of(
                new TrackedFace(FaceBox.ofCentre(320, 240, 100, 100), 0.95, embeddingOf(2), "p1", "Person 1", 0.7, 0.5),
                new TrackedFace(FaceBox.ofCentre(700, 100, 100, 100), 0.95, embeddingOf(8), null, null, 0.1, Double.NaN)),
                unnamed));
        CameraTracks.Update end = tracks.closeAll();
        written.addAll(end.sightings());
        unnamed.addAll(end.unnamed());

        assertThat(describe(written)).containsExactly("open p1 #1", "closed p1 #1");
        assertThat(written.get(1).faces()).isEqualTo(20);
        assertThat(unnamed).hasSize(1);
        assertThat(unnamed.get(0).model()).isEqualTo("b");
        assertThat(unnamed.get(0).kept()).isNotEmpty().allSatisfy(face -> assertThat(face.embedding()).isEqualTo(embeddingOf(8)));

        CameraTracks same = new CameraTracks("cam", SETTINGS);
        same.useRecognizer("a");
        List<Sighting> sameRecognizer = run(same, 0, 10, k -> List.of(known(1, 320, 240)), new ArrayList<>());
        same.useRecognizer("a");
        sameRecognizer.addAll(run(same, 10, 20, k -> List.of(new TrackedFace(FaceBox.ofCentre(320, 240, 100, 100), 0.95,
                embeddingOf(2), "p1", "Person 1", 0.7, 0.5)), new ArrayList<>()));
        assertThat(describe(sameRecognizer)).as("with one recognizer, another face where the track was starts a track")
                .containsExactly("open p1 #1", "open p1 #2");
    }
}
