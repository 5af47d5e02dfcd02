package io.facestream.stream;

import io.facestream.config.ConfigException;
import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.pipeline.PipelineSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every setting of the streaming functions, resolved and validated once when the job's graph is
 * built (a wrong model id or a missing gallery directory fails before submission, naming the
 * key); each function then gets only the small part it needs.
 */
public record StreamSettings(PipelineSettings pipeline, AnalysisSettings analysis, MatchSettings match, Path galleryDir) {

    public static StreamSettings from(FaceStreamConfig config) {
        PipelineSettings pipeline = PipelineSettings.from(config).withBatching(new PipelineSettings.Batching(
                config.get(StreamOptions.BATCHING_MAX_SIZE), config.get(StreamOptions.BATCHING_FLUSH_TIMEOUT_US)));
        AnalysisSettings analysis = new AnalysisSettings(config.get(StreamOptions.ASYNC_THREADS),
                config.get(StreamOptions.ASYNC_CAPACITY), config.get(StreamOptions.ASYNC_TIMEOUT_MS),
                config.get(StreamOptions.ASYNC_MAX_CONSECUTIVE_FAILURES));
        MatchSettings match = new MatchSettings(pipeline.recognizer().id(), pipeline.matchThreshold(),
                config.get(StreamOptions.MATCHES_EMIT_UNKNOWN), config.get(StreamOptions.GALLERY_HAMMING_CANDIDATES),
                config.get(StreamOptions.GALLERY_CANDIDATES));
        String dir = config.get(StreamOptions.GALLERY_DIR);
        Path galleryDir = dir == null ? null : Path.of(dir).toAbsolutePath().normalize();
        if (galleryDir != null && !Files.isDirectory(galleryDir)) {
            throw new ConfigException("configuration key '" + StreamOptions.GALLERY_DIR.name() + "': " + galleryDir
                    + " is not a directory");
        }
        return new StreamSettings(pipeline, analysis, match, galleryDir);
    }
}
