package io.facestream.stream;

import io.facestream.config.ConfigException;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.reuse.ReuseSettings;
import io.facestream.track.SightingSettings;
import io.facestream.track.TimelineSettings;
import io.facestream.track.TrackerSettings;
import io.facestream.track.VoteSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every setting of the streaming functions, resolved and validated once when the job's graph is
 * built (a wrong model id or a missing gallery directory fails before submission, naming the
 * key); each function then gets only the small part it needs.
 */
public record StreamSettings(PipelineSettings pipeline, AnalysisSettings analysis, MatchSettings match,
                             TrackingSettings tracking, boolean matchesEnabled, boolean enrollmentDeadLetterPayload,
                             Path galleryDir, int metricsCameraLimit) {

    public static StreamSettings from(FaceStreamConfig config) {
        PipelineSettings pipeline = PipelineSettings.from(config).withBatching(new PipelineSettings.Batching(
                config.get(StreamOptions.BATCHING_MAX_SIZE), config.get(StreamOptions.BATCHING_FLUSH_TIMEOUT_US)));
        // A face reuses an embedding only while seen without a gap longer than a track's allowed absence.
        ReuseSettings reuse = new ReuseSettings(config.get(StreamOptions.TRACKING_REEMBED_EVERY_FRAMES),
                config.get(StreamOptions.TRACKING_REUSE_MIN_RESEMBLANCE), config.get(StreamOptions.TRACKING_MAX_ABSENCE_MS));
        AnalysisSettings analysis = new AnalysisSettings(config.get(StreamOptions.ASYNC_THREADS),
                config.get(StreamOptions.ASYNC_CAPACITY), config.get(StreamOptions.ASYNC_TIMEOUT_MS),
                config.get(StreamOptions.ASYNC_MAX_CONSECUTIVE_FAILURES), reuse);
        MatchSettings match = new MatchSettings(pipeline.recognizer().id(), pipeline.matchThreshold(),
                config.get(StreamOptions.MATCHES_EMIT_UNKNOWN), config.get(StreamOptions.GALLERY_HAMMING_CANDIDATES),
                config.get(StreamOptions.GALLERY_CANDIDATES),
                pipeline.previous() == null ? null : pipeline.previous().recognizer().id(),
                pipeline.previous() == null ? Double.NaN : pipeline.previous().matchThreshold());
        TrackerSettings tracker = new TrackerSettings(config.get(StreamOptions.TRACKING_MIN_IOU),
                TrackerSettings.defaults().lowScoreMinIou(), TrackerSettings.defaults().highScore(),
                config.get(StreamOptions.TRACKING_MAX_ABSENCE_MS), config.get(StreamOptions.TRACKING_MIN_APPEARANCE_SIMILARITY));
        VoteSettings vote = new VoteSettings(config.get(StreamOptions.SIGHTINGS_MIN_FACES), VoteSettings.defaults().fullFaceSizePx(),
                VoteSettings.defaults().fullMargin(), VoteSettings.defaults().maxCandidates());
        long window = config.get(StreamOptions.SIGHTINGS_RETROACTIVE_WINDOW_MS);
        SightingSettings sightings = new SightingSettings(tracker, vote, window > 0 ? config.get(StreamOptions.SIGHTINGS_KEPT_FACES) : 0,
                config.get(StreamOptions.SIGHTINGS_EMIT_UNKNOWN), pipeline.matchThreshold());
        long reorder = !config.isSet(StreamOptions.SIGHTINGS_REORDER_MS) && config.isSet(StreamOptions.WATERMARK_OUT_OF_ORDERNESS_MS)
                ? config.get(StreamOptions.WATERMARK_OUT_OF_ORDERNESS_MS) : config.get(StreamOptions.SIGHTINGS_REORDER_MS);
        TimelineSettings timeline = TimelineSettings.of(reorder, config.get(StreamOptions.SIGHTINGS_MAX_PENDING_FRAMES),
                config.get(StreamOptions.SIGHTINGS_CLOCK_RESET_MS), config.get(StreamOptions.SIGHTINGS_IDLE_CLOSE_MS));
        TrackingSettings tracking = new TrackingSettings(sightings, timeline, window,
                config.get(StreamOptions.SIGHTINGS_MAX_KEPT_TRACKS));
        String dir = config.get(StreamOptions.GALLERY_DIR);
        Path galleryDir = dir == null ? null : Path.of(dir).toAbsolutePath().normalize();
        if (galleryDir != null && !Files.isDirectory(galleryDir)) {
            throw new ConfigException("configuration key '" + StreamOptions.GALLERY_DIR.name() + "': " + galleryDir
                    + " is not a directory");
        }
        return new StreamSettings(pipeline, analysis, match, tracking, config.get(StreamOptions.MATCHES_ENABLED),
                config.get(StreamOptions.ENROLLMENTS_DEAD_LETTER_PAYLOAD), galleryDir,
                config.get(StreamOptions.METRICS_CAMERA_LIMIT));
    }
}
