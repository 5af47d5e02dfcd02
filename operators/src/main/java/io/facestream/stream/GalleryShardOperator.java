package io.facestream.stream;

import io.facestream.match.Match;
import io.facestream.match.Person;
import io.facestream.match.PersonIndex;
import io.facestream.match.Similarity;
import io.facestream.pipeline.Face;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.RawRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard of the gallery. People arrive keyed by id (input 1) and live in keyed state, so
 * each subtask holds its share of them, checkpoints incrementally with RocksDB and rescales with
 * Flink's key groups; every frame with faces arrives at every shard (input 2, broadcast). An
 * enrollment or deletion changes that person's state and their entry in the in-memory
 * {@link PersonIndex} at once; a face is searched in the index and its few candidates re-ranked
 * exactly on their embeddings read from state. The index is rebuilt from state when the
 * operator starts (after a restore or a rescale); it is never checkpointed.
 */
public class GalleryShardOperator extends AbstractStreamOperator<ShardMatches>
        implements TwoInputStreamOperator<Person, AnalyzedFrame, ShardMatches> {
    private static final Logger LOG = LoggerFactory.getLogger(GalleryShardOperator.class);
    public static final ValueStateDescriptor<Person> PERSON = new ValueStateDescriptor<>("person",
            TypeInformation.of(Person.class));
    /**
     * The recognizer a person of another recognizer was last listed for (a dead letter asking to enroll them again):
     * each is listed once per recognizer the job changes to, however often it restarts.
     */
    private static final ValueStateDescriptor<String> LISTED = new ValueStateDescriptor<>("listed-for-recognizer",
            org.apache.flink.api.common.typeinfo.Types.STRING);
    /** People listed per pass on the task thread: frames go on between passes however large the gallery. */
    static final int LISTED_PER_PASS = 500;
    /** Every change applied, from the one shard that holds the person: the sightings stage follows the gallery. */
    public static final OutputTag<GalleryChange> CHANGES = new OutputTag<>("gallery-changes",
            TypeInformation.of(GalleryChange.class));

    private final MatchSettings settings;
    private final int dimension;
    /** The people of gallery.dir: only their deletions are kept (as markers), so a fresh start does not revive them. */
    private final Set<String> directoryPeople;

    private transient ValueState<Person> person;
    private transient ValueState<String> listed;
    private transient PersonIndex index;
    private transient Set<String> otherModel;
    private transient OperatorMetrics.SynchronizedHistogram searchLatency;
    private transient LongCounter galleryUpdates;
    private transient Counter otherModelListed;

    public GalleryShardOperator(MatchSettings settings, int dimension) {
        this(settings, dimension, Set.of());
    }

    public GalleryShardOperator(MatchSettings settings, int dimension, Set<String> directoryPeople) {
        this.settings = settings;
        this.dimension = dimension;
        this.directoryPeople = Set.copyOf(directoryPeople);
    }

    @Override
    public void open() throws Exception {
        super.open();
        person = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, PERSON);
        listed = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, LISTED);
        index = new PersonIndex(dimension);
        otherModel = new TreeSet<>();
        long start = System.nanoTime();
        getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, PERSON,
                (key, state) -> reindex(state.value()));
        if (index.size() > 0 || !otherModel.isEmpty()) {
            LOG.info("gallery shard {} rebuilt from state: {} people in {} ms", getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    index.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        warnAboutOtherModels();
        OperatorMetrics metrics = new OperatorMetrics(getMetricGroup());
        otherModelListed = metrics.counter(StreamMetrics.GALLERY_OTHER_MODEL_LISTED);
        if (!otherModel.isEmpty()) {
            List<String> toList = new ArrayList<>(otherModel);
            getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime(),
                    time -> listOtherModels(toList, 0));
        }
        metrics.group().gauge(StreamMetrics.GALLERY_PEOPLE, () -> index.size());
        metrics.group().gauge(StreamMetrics.GALLERY_OTHER_MODEL_PEOPLE, () -> otherModel.size());
        metrics.group().gauge(StreamMetrics.GALLERY_INDEX_BYTES, () -> index.bytes());
        searchLatency = metrics.histogram(StreamMetrics.GALLERY_SEARCH_LATENCY_US);
        galleryUpdates = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.GALLERY_UPDATES_ACCUMULATOR);
    }

    /** People in this shard's index. */
    public int people() {
        return index.size();
    }

    /** Bytes of this shard's index (the embeddings themselves are in keyed state). */
    public long indexBytes() {
        return index.bytes();
    }

    /** An enrollment or deletion of the person whose id is the current key. The enrollments topic overrides gallery.dir. */
    @Override
    public void processElement1(StreamRecord<Person> record) throws Exception {
        Person update = record.getValue();
        Person current = person.value();
        boolean overriddenByTopic = update.origin() == Person.Origin.GALLERY_DIR && current != null
                && current.origin() == Person.Origin.ENROLLMENTS;
        boolean nothingToDelete = update.deleted() && (current == null || current.deleted());
        if (update.deleted() && !directoryPeople.contains(update.id())) {
            // Deleting someone gallery.dir cannot bring back leaves nothing behind: no marker, whatever the id.
            person.clear();
            listed.clear();
            reindex(update);
            if (!nothingToDelete) {
                emitChange(record, update, current);
            }
        } else if (!overriddenByTopic) {
            person.update(update);
            listed.clear();
            reindex(update);
            emitChange(record, update, current);
        }
        galleryUpdates.add(1);
    }

    private void emitChange(StreamRecord<Person> record, Person update, Person current) {
        float[][] previous = current == null ? new float[0][] : current.embeddings();
        GalleryChange change = new GalleryChange(update, previous);
        output.collect(CHANGES, record.hasTimestamp() ? new StreamRecord<>(change, record.getTimestamp())
                : new StreamRecord<>(change));
    }

    private void reindex(Person entry) {
        if (entry == null) {
            return;
        }
        boolean comparable = !entry.deleted() && settings.model().equals(entry.model());
        if (comparable) {
            index.put(entry.id(), entry.embeddings());
            otherModel.remove(entry.id());
        } else {
            index.remove(entry.id());
            if (entry.deleted()) {
                otherModel.remove(entry.id());
            } else {
                otherModel.add(entry.id());
            }
        }
    }

    /**
     * People enrolled with another recognizer (the job restarted with another model) cannot be
     * compared with this job's faces: they are left out, counted, and the log says what to do.
     */
    private void warnAboutOtherModels() throws Exception {
        if (otherModel.isEmpty()) {
            return;
        }
        TreeMap<String, Integer> models = new TreeMap<>();
        for (String id : otherModel) {
            setCurrentKey(id);
            models.merge(String.valueOf(person.value().model()), 1, Integer::sum);
        }
        LOG.warn("{} enrolled people have embeddings of another recognizer ({}) than this job's '{}' and are not matched. "
                + "Enroll them again: send their enrollments with photos to the enrollments topic (./facestream enroll), "
                + "or start the job without state so it reads the enrollments topic again and embeds the photos with '{}'.",
                otherModel.size(), models, settings.model(), settings.model());
    }

    /**
     * Each person of another recognizer, once: a dead letter (stage {@code gallery}, key the person id) asking to
     * enroll them again with photos, so that whoever runs the job can find whom. A pass lists at most
     * {@link #LISTED_PER_PASS} and schedules the next, so frames are matched in between.
     */
    private void listOtherModels(List<String> ids, int from) throws Exception {
        int to = Math.min(ids.size(), from + LISTED_PER_PASS);
        for (String id : ids.subList(from, to)) {
            setCurrentKey(id);
            if (settings.model().equals(listed.value())) {
                continue; // listed already (cleared when enrolled again or deleted): the person is not read
            }
            Person other = person.value();
            if (other == null || other.deleted() || settings.model().equals(other.model())) {
                continue; // enrolled again or deleted since the pass was planned
            }
            RawRecord key = new RawRecord(id.getBytes(java.nio.charset.StandardCharsets.UTF_8), null, new String[0],
                    new byte[0][], "gallery", -1, -1, -1);
            output.collect(DeadLetters.TAG, new StreamRecord<>(new DeadLetter(key, DeadLetters.STAGE_GALLERY,
                    "person '" + id + "' was enrolled with recognizer '" + other.model() + "' and this job uses '"
                            + settings.model() + "': not matched until enrolled again with photos (./facestream enroll)")));
            listed.update(settings.model());
            otherModelListed.inc();
        }
        if (to < ids.size()) {
            getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime() + 1,
                    time -> listOtherModels(ids, to));
        }
    }

    /** A frame with faces: this shard's best person for each face. */
    @Override
    public void processElement2(StreamRecord<AnalyzedFrame> record) throws Exception {
        AnalyzedFrame frame = record.getValue();
        Face[] faces = frame.faces();
        Match[] best = new Match[faces.length];
        // One shard carries the embeddings on, for the sightings stage; the others' answers stay small.
        boolean carryEmbeddings = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        Face[] forward = carryEmbeddings ? faces : new Face[faces.length];
        long start = System.nanoTime();
        for (int i = 0; i < faces.length; i++) {
            // A face embedded by another recognizer (in flight when the job restarted with this one) names no one.
            boolean comparable = faces[i].model() == null || settings.model().equals(faces[i].model());
            best[i] = comparable ? best(faces[i].embedding()) : Match.unknown(Float.NaN);
            if (!carryEmbeddings) {
                forward[i] = new Face(faces[i].detection(), null, faces[i].model());
            }
        }
        searchLatency.update(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start) / Math.max(1, faces.length));
        int shards = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        output.collect(record.replace(new ShardMatches(ShardMatches.keyOf(frame.frame()), shards, frame.frame(),
                forward, best)));
    }

    /**
     * The index's candidates, re-ranked exactly on their embeddings in state; unknown below the threshold. The
     * runner-up is the best score of the next person among the candidates.
     */
    private Match best(float[] probe) throws Exception {
        String bestId = null;
        String bestName = null;
        float bestScore = Float.NEGATIVE_INFINITY;
        float runnerUp = Float.NaN;
        for (String id : index.candidates(probe, settings.hammingCandidates(), settings.candidatePeople())) {
            setCurrentKey(id);
            Person candidate = person.value();
            float score = Similarity.toPerson(probe, candidate.embeddings());
            if (score > bestScore) {
                runnerUp = bestId == null ? Float.NaN : bestScore;
                bestScore = score;
                bestId = id;
                bestName = candidate.name();
            } else if (Float.isNaN(runnerUp) || score > runnerUp) {
                runnerUp = score;
            }
        }
        if (bestId == null) {
            return Match.unknown(Float.NaN);
        }
        return Similarity.reaches(bestScore, settings.matchThreshold())
                ? new Match(bestId, bestName, bestScore, true, runnerUp) : Match.unknown(bestScore, runnerUp);
    }
}
