package io.facestream.stream;

import io.facestream.config.FaceStreamConfig;
import io.facestream.config.StreamOptions;
import io.facestream.match.Gallery;
import io.facestream.match.GalleryMatcher;
import io.facestream.match.GallerySnapshot;
import io.facestream.match.Match;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.MatchRecord;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Matches every face of an analysed frame against the gallery. The gallery is the
 * checkpointed broadcast state (enrollments and tombstones from Kafka) over the people loaded
 * from {@code gallery.dir} at start-up. Failed frames go to the dead-letter output.
 */
public class GalleryMatchFunction extends BroadcastProcessFunction<AnalyzedFrame, GalleryUpdate, MatchRecord> {
    public static final MapStateDescriptor<String, GalleryEntry> GALLERY_STATE = new MapStateDescriptor<>(
            "gallery", TypeInformation.of(String.class), TypeInformation.of(GalleryEntry.class));

    private final FaceStreamConfig config;
    private transient Map<String, GalleryEntry> baseGallery;
    private transient GallerySnapshot gallery;
    private transient boolean galleryStale;
    private transient GalleryMatcher matcher;
    private transient boolean emitUnknown;
    private transient String model;
    private transient Counter framesCompleted;
    private transient Counter matches;
    private transient Counter unknownFaces;
    private transient Counter deadLetters;
    private transient OperatorMetrics.SynchronizedHistogram endToEndLatency;
    private transient LongCounter completedAccumulator;
    private transient LongCounter facesAccumulator;
    private transient LongCounter unknownAccumulator;
    private transient LongCounter deadLetterAccumulator;
    private transient LongCounter galleryUpdatesAccumulator;

    public GalleryMatchFunction(FaceStreamConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        PipelineSettings settings = PipelineSettings.from(config);
        matcher = new GalleryMatcher(settings.matchThreshold());
        model = settings.recognizer().id();
        emitUnknown = config.get(StreamOptions.MATCHES_EMIT_UNKNOWN);
        String galleryDir = config.get(StreamOptions.GALLERY_DIR);
        if (galleryDir != null) {
            try (FacePipeline pipeline = FacePipeline.open(settings)) {
                baseGallery = GalleryDirectory.load(java.nio.file.Path.of(galleryDir), pipeline);
            }
        } else {
            baseGallery = Map.of();
        }
        gallery = GallerySnapshot.of(new Gallery());
        galleryStale = true;
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        framesCompleted = metrics.counter(StreamMetrics.FRAMES_COMPLETED);
        matches = metrics.counter(StreamMetrics.MATCHES);
        unknownFaces = metrics.counter(StreamMetrics.UNKNOWN_FACES);
        deadLetters = metrics.counter(StreamMetrics.DEAD_LETTERS);
        endToEndLatency = metrics.histogram(StreamMetrics.END_TO_END_LATENCY_MS);
        metrics.group().gauge(StreamMetrics.GALLERY_PEOPLE, () -> gallery.people());
        completedAccumulator = accumulator(StreamMetrics.FRAMES_COMPLETED);
        facesAccumulator = accumulator(StreamMetrics.FACES_DETECTED);
        unknownAccumulator = accumulator(StreamMetrics.UNKNOWN_FACES);
        deadLetterAccumulator = accumulator(StreamMetrics.ANALYSIS_DEAD_LETTERS_ACCUMULATOR);
        galleryUpdatesAccumulator = accumulator(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR);
    }

    private LongCounter accumulator(String name) {
        LongCounter counter = new LongCounter();
        getRuntimeContext().addAccumulator(name, counter);
        return counter;
    }

    @Override
    public void processBroadcastElement(GalleryUpdate update, Context ctx, Collector<MatchRecord> out) throws Exception {
        BroadcastState<String, GalleryEntry> state = ctx.getBroadcastState(GALLERY_STATE);
        state.put(update.personId(), update.delete()
                ? new GalleryEntry(null, new float[0][], true)
                : new GalleryEntry(update.name(), update.embeddings(), false));
        galleryStale = true;
        galleryUpdatesAccumulator.add(1);
    }

    @Override
    public void processElement(AnalyzedFrame frame, ReadOnlyContext ctx, Collector<MatchRecord> out) throws Exception {
        completedAccumulator.add(1);
        framesCompleted.inc();
        if (frame.failed()) {
            deadLetters.inc();
            deadLetterAccumulator.add(1);
            ctx.output(DeadLetters.TAG, new DeadLetter(frame.frame().raw(), frame.errorStage(), frame.error()));
            return;
        }
        if (galleryStale) {
            rebuildGallery(ctx.getBroadcastState(GALLERY_STATE));
        }
        endToEndLatency.update(Math.max(0, System.currentTimeMillis() - frame.frame().captureTs()));
        facesAccumulator.add(frame.faces().length);
        for (AnalyzedFace face : frame.faces()) {
            Match match = gallery.best(face.embedding(), matcher.threshold());
            if (match.known()) {
                matches.inc();
            } else {
                unknownFaces.inc();
                unknownAccumulator.add(1);
                if (!emitUnknown) {
                    continue;
                }
            }
            out.collect(new MatchRecord(frame.frame().camera(), frame.frame().frameSeq(), frame.frame().captureTs(),
                    match.personId(), match.name(), match.score(), face.box(), face.landmarks(), model));
        }
    }

    private void rebuildGallery(ReadOnlyBroadcastState<String, GalleryEntry> state) throws Exception {
        Map<String, GalleryEntry> merged = new java.util.LinkedHashMap<>(baseGallery);
        for (Map.Entry<String, GalleryEntry> entry : state.immutableEntries()) {
            merged.put(entry.getKey(), entry.getValue());
        }
        Gallery fresh = new Gallery();
        merged.forEach((personId, entry) -> {
            if (!entry.deleted()) {
                fresh.put(new Gallery.Person(personId, entry.name(), java.util.Arrays.asList(entry.embeddings())));
            }
        });
        gallery = GallerySnapshot.of(fresh, config.get(StreamOptions.GALLERY_INDEX_MIN_EMBEDDINGS));
        galleryStale = false;
    }
}
