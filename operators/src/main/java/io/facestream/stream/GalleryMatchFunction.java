package io.facestream.stream;

import io.facestream.detect.DetectedFace;
import io.facestream.match.GallerySnapshot;
import io.facestream.match.Match;
import io.facestream.match.Person;
import io.facestream.pipeline.Face;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.MatchRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches every face of an analysed frame against the gallery, the checkpointed broadcast state
 * of enrolled people (from the enrollments topic and {@code gallery.dir}; the topic wins).
 * Failed frames go to the dead-letter output.
 */
public class GalleryMatchFunction extends BroadcastProcessFunction<AnalyzedFrame, Person, MatchRecord> {
    public static final MapStateDescriptor<String, Person> GALLERY_STATE = new MapStateDescriptor<>(
            "gallery", TypeInformation.of(String.class), TypeInformation.of(Person.class));

    private static final Logger LOG = LoggerFactory.getLogger(GalleryMatchFunction.class);

    private final MatchSettings settings;
    private transient GallerySnapshot gallery;
    private transient int otherModelPeople;
    private transient boolean galleryStale;
    private transient Counter framesCompleted;
    private transient Counter matches;
    private transient Counter unknownFaces;
    private transient Counter framesWithoutFaces;
    private transient Counter deadLetters;
    private transient OperatorMetrics.SynchronizedHistogram endToEndLatency;
    private transient LongCounter completedAccumulator;
    private transient LongCounter facesAccumulator;
    private transient LongCounter unknownAccumulator;
    private transient LongCounter withoutFacesAccumulator;
    private transient LongCounter deadLetterAccumulator;
    private transient LongCounter galleryUpdatesAccumulator;

    public GalleryMatchFunction(MatchSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        gallery = GallerySnapshot.of(List.of());
        galleryStale = true;
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        framesCompleted = metrics.counter(StreamMetrics.FRAMES_COMPLETED);
        matches = metrics.counter(StreamMetrics.MATCHES);
        unknownFaces = metrics.counter(StreamMetrics.UNKNOWN_FACES);
        framesWithoutFaces = metrics.counter(StreamMetrics.FRAMES_WITHOUT_FACES);
        deadLetters = metrics.counter(StreamMetrics.DEAD_LETTERS);
        endToEndLatency = metrics.histogram(StreamMetrics.END_TO_END_LATENCY_MS);
        metrics.group().gauge(StreamMetrics.GALLERY_PEOPLE, () -> gallery.people());
        metrics.group().gauge(StreamMetrics.GALLERY_OTHER_MODEL_PEOPLE, () -> otherModelPeople);
        completedAccumulator = accumulator(StreamMetrics.FRAMES_COMPLETED);
        facesAccumulator = accumulator(StreamMetrics.FACES_DETECTED);
        unknownAccumulator = accumulator(StreamMetrics.UNKNOWN_FACES);
        withoutFacesAccumulator = accumulator(StreamMetrics.FRAMES_WITHOUT_FACES);
        deadLetterAccumulator = accumulator(StreamMetrics.ANALYSIS_DEAD_LETTERS_ACCUMULATOR);
        galleryUpdatesAccumulator = accumulator(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR);
    }

    private LongCounter accumulator(String name) {
        LongCounter counter = new LongCounter();
        getRuntimeContext().addAccumulator(name, counter);
        return counter;
    }

    @Override
    public void processBroadcastElement(Person update, Context ctx, Collector<MatchRecord> out) throws Exception {
        BroadcastState<String, Person> state = ctx.getBroadcastState(GALLERY_STATE);
        Person current = state.get(update.id());
        boolean overriddenByTopic = update.origin() == Person.Origin.GALLERY_DIR && current != null
                && current.origin() == Person.Origin.ENROLLMENTS;
        if (!overriddenByTopic) {
            state.put(update.id(), update);
            galleryStale = true;
        }
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
        if (frame.faces().length == 0) {
            framesWithoutFaces.inc();
            withoutFacesAccumulator.add(1);
        }
        for (Face face : frame.faces()) {
            Match match = gallery.best(face.embedding(), settings.threshold());
            if (match.known()) {
                matches.inc();
            } else {
                unknownFaces.inc();
                unknownAccumulator.add(1);
                if (!settings.emitUnknown()) {
                    continue;
                }
            }
            DetectedFace detection = face.detection();
            out.collect(new MatchRecord(frame.frame().camera(), frame.frame().frameSeq(), frame.frame().captureTs(),
                    match.personId(), match.name(), match.score(),
                    new float[] {detection.x1(), detection.y1(), detection.x2(), detection.y2()},
                    detection.landmarks().clone(), settings.model()));
        }
    }

    /**
     * A snapshot of the people enrolled with this job's recognizer. People whose embeddings come
     * from another recognizer (the job restarted with another model) cannot be compared: they
     * are left out, counted, and the log says how to enroll them again.
     */
    private void rebuildGallery(ReadOnlyBroadcastState<String, Person> state) throws Exception {
        List<Person> people = new ArrayList<>();
        Map<String, Integer> otherModels = new TreeMap<>();
        for (Map.Entry<String, Person> entry : state.immutableEntries()) {
            Person person = entry.getValue();
            if (person.deleted() || settings.model().equals(person.model())) {
                people.add(person);
            } else {
                otherModels.merge(String.valueOf(person.model()), 1, Integer::sum);
            }
        }
        int others = otherModels.values().stream().mapToInt(Integer::intValue).sum();
        if (others != otherModelPeople && others > 0) {
            LOG.warn("{} enrolled people have embeddings of another recognizer ({}) than this job's '{}' and are not matched. "
                    + "Enroll them again: send their enrollments with photos to the enrollments topic (./facestream enroll), "
                    + "or start the job without state so it reads the enrollments topic again and embeds the photos with '{}'.",
                    others, otherModels, settings.model(), settings.model());
        }
        otherModelPeople = others;
        gallery = GallerySnapshot.of(people, settings.indexMinEmbeddings());
        galleryStale = false;
    }
}
