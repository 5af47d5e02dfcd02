package io.facestream.bench;

import io.facestream.ingest.EncodedFrame;
import io.facestream.ingest.FrameOptions;
import io.facestream.ingest.FrameSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Real camera frames for the benchmark, as JPEG: one video's, or the two sample videos' alternately. */
final class BenchFrames {
    private BenchFrames() {
    }

    static List<byte[]> load(Path franckVideo, Path capVideo, int count) {
        List<byte[]> franck = read(franckVideo, 5, (count + 1) / 2);
        List<byte[]> cap = read(capVideo, 8, count / 2);
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; frames.size() < count && (i < franck.size() || i < cap.size()); i++) {
            if (i < franck.size()) {
                frames.add(franck.get(i));
            }
            if (i < cap.size() && frames.size() < count) {
                frames.add(cap.get(i));
            }
        }
        return frames;
    }

    /** The first {@code max} frames of {@code video} at {@code fps} frames per second of video. */
    static List<byte[]> read(Path video, double fps, int max) {
        List<byte[]> frames = new ArrayList<>();
        try (FrameSource source = FrameSource.open(video.toString(), new FrameOptions(fps, 0, 90))) {
            for (EncodedFrame frame; frames.size() < max && (frame = source.next()) != null; ) {
                frames.add(frame.jpeg());
            }
        }
        return frames;
    }
}
