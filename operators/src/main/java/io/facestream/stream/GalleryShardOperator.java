package io.facestream.stream;

import io.facestream.match.Match;
import io.facestream.match.Person;
import io.facestream.match.PersonIndex;
import io.facestream.match.Similarity;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.RawRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *
 * <p>During a recognizer switch ({@code recognizer.previous-model}) each person may have two entries: the one the
 * gallery was enrolled with ({@code person}, the previous recognizer) and one of the new recognizer
 * ({@code next-person}), each in its own index, and every face is searched in both. A background thread
 * ({@link GalleryReembedding}) reads the photos of the shard's people back from where they were enrolled and embeds
 * them with the new recognizer; the task thread applies its results. Once every person has a new entry or was listed
 * as not embeddable (a dead letter each), the shard says it is ready with each answer, and the gatherer uses the new
 * recognizer's answers for a frame once every shard is. A restart without {@code recognizer.previous-model} makes
 * the new entries the people's own.
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
    /** During a recognizer switch: the person's entry by the new recognizer, until a restart without the switch. */
    public static final ValueStateDescriptor<Person> NEXT = new ValueStateDescriptor<>("next-person",
            TypeInformation.of(Person.class));
    private static final ValueStateDescriptor<String> LISTED = new ValueStateDescriptor<>("listed-for-recognizer",
            org.apache.flink.api.common.typeinfo.Types.STRING);
    /** The mark of a person a switch to a recognizer could not embed again: "switch:" and the recognizer id. */
    static String switchListing(String model) {
        return "switch:" + model;
    }

    /** People listed per pass on the task thread: frames go on between passes however large the gallery. */
    static final int LISTED_PER_PASS = 500;
    /** How often the task thread takes the re-embedding's results. */
    static final long REEMBED_DRAIN_MS = 100;
    /** How long after a failed re-embedding (the topic unreachable, say) it starts again. */
    static final long REEMBED_RETRY_MS = 10_000;
    /** Every change applied, from the one shard that holds the person: the sightings stage follows the gallery. */
    public static final OutputTag<GalleryChange> CHANGES = new OutputTag<>("gallery-changes",
            TypeInformation.of(GalleryChange.class));

    private final MatchSettings settings;
    private final int dimension;
    /** The people of gallery.dir: only their deletions are kept (as markers), so a fresh start does not revive them. */
    private final Set<String> directoryPeople;
    /** Where a switch reads people's photos back and how it embeds them; null without a switch. */
    private final RecognizerSwitch recognizerSwitch;

    private transient ValueState<Person> person;
    private transient ValueState<Person> next;
    private transient ValueState<String> listed;
    /** People whose embeddings are the job's recognizer's (during a switch, their new entries). */
    private transient PersonIndex index;
    /** During a switch: people as the previous recognizer embedded them; null otherwise. */
    private transient PersonIndex previousIndex;
    private transient Set<String> otherModel;
    /** During a switch: people of the previous recognizer still to embed again, with where they were enrolled. */
    private transient Map<String, Person.Origin> pending;
    private transient boolean ready;
    private transient GalleryReembedding reembedding;
    private transient Thread reembeddingThread;
    private transient long switchStartedNanos;
    /** The person whose new-recognizer entry came last from an enrollment: its previous-recognizer entry follows. */
    private transient String lastShadowed;
    private transient Counter reembedded;
    private transient Counter notReembedded;
    private transient LongCounter reembeddedAccumulator;
    private transient OperatorMetrics.SynchronizedHistogram searchLatency;
    private transient LongCounter galleryUpdates;
    private transient Counter otherModelListed;

    public GalleryShardOperator(MatchSettings settings, int dimension) {
        this(settings, dimension, Set.of());
    }

    public GalleryShardOperator(MatchSettings settings, int dimension, Set<String> directoryPeople) {
        this(settings, dimension, directoryPeople, null);
    }

    /**
     * A recognizer switch (settings name a previous model) needs {@code recognizerSwitch}: how to read people's photos
     * back and embed them.
     */
    public GalleryShardOperator(MatchSettings settings, int dimension, Set<String> directoryPeople,
                                RecognizerSwitch recognizerSwitch) {
        if (settings.switching() && recognizerSwitch == null) {
            throw new IllegalArgumentException("a recognizer switch to '" + settings.model() + "' needs to know where to read "
                    + "the gallery's photos back");
        }
        this.settings = settings;
        this.dimension = dimension;
        this.directoryPeople = Set.copyOf(directoryPeople);
        this.recognizerSwitch = settings.switching() ? recognizerSwitch : null;
    }

    /**
     * What a recognizer switch needs: the pipeline that embeds with the new recognizer (its previous recognizer gives
     * the old index's dimension), the enrollments topic, and {@code gallery.dir} (null without one).
     */
    public record RecognizerSwitch(PipelineSettings pipeline, EnrollmentArchive topic, EnrollmentArchive directory)
            implements java.io.Serializable {
    }

    @Override
    public void open() throws Exception {
        super.open();
        person = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, PERSON);
        next = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, NEXT);
        listed = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, LISTED);
        index = new PersonIndex(dimension);
        previousIndex = settings.switching()
                ? new PersonIndex(recognizerSwitch.pipeline().previous().recognizer().dimension()) : null;
        otherModel = new TreeSet<>();
        pending = new TreeMap<>();
        long start = System.nanoTime();
        Set<String> ids = new TreeSet<>();
        getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, PERSON,
                (key, state) -> ids.add(key.toString()));
        Set<String> withNext = new TreeSet<>();
        getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, NEXT,
                (key, state) -> withNext.add(key.toString()));
        ids.addAll(withNext);
        int promoted = 0;
        int stale = 0;
        for (String id : ids) {
            setCurrentKey(id);
            if (withNext.contains(id) && !settings.model().equals(next.value().model())) {
                // Left by a switch to another recognizer than this job's (stopped, or changed since): of no use.
                next.clear();
                withNext.remove(id);
                stale++;
            }
            if (!settings.switching() && withNext.contains(id)) {
                // The switch is over: the new recognizer's entry becomes the person's own.
                person.update(next.value());
                next.clear();
                listed.clear();
                promoted++;
            }
            reindex(id);
            if (settings.switching() && stillToEmbedAgain()) {
                pending.put(id, person.value().origin());
            }
        }
        if (stale > 0) {
            LOG.warn("gallery shard {}: {} people's entries of a switch to another recognizer than '{}' dropped", subtask(),
                    stale, settings.model());
        }
        if (index.size() > 0 || !otherModel.isEmpty() || previousIndex != null && previousIndex.size() > 0) {
            LOG.info("gallery shard {} rebuilt from state: {} people in {} ms{}{}", subtask(), index.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    promoted > 0 ? "; " + promoted + " people's entries of recognizer '" + settings.model()
                            + "' made their own (the switch is over)" : "",
                    previousIndex != null ? "; " + previousIndex.size() + " of previous recognizer '" + settings.previousModel()
                            + "', " + pending.size() + " of them to embed again" : "");
        }
        warnAboutOtherModels();
        OperatorMetrics metrics = new OperatorMetrics(getMetricGroup());
        otherModelListed = metrics.counter(StreamMetrics.GALLERY_OTHER_MODEL_LISTED);
        reembedded = metrics.counter(StreamMetrics.GALLERY_REEMBEDDED);
        notReembedded = metrics.counter(StreamMetrics.GALLERY_NOT_REEMBEDDED);
        reembeddedAccumulator = StreamMetrics.accumulator(getRuntimeContext(), StreamMetrics.GALLERY_REEMBEDDED);
        metrics.group().gauge(StreamMetrics.GALLERY_REEMBED_PENDING, () -> pending.size());
        metrics.group().gauge(StreamMetrics.GALLERY_NEW_RECOGNIZER_READY, () -> ready ? 1 : 0);
        ready = !settings.switching();
        if (settings.switching()) {
            switchStartedNanos = System.nanoTime();
            if (pending.isEmpty()) {
                becomeReady();
            } else {
                startReembedding();
            }
        }
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

    private int subtask() {
        return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    }

    /** Whether the current key is a person of the previous recognizer with no entry by the new one, not yet listed. */
    private boolean stillToEmbedAgain() throws Exception {
        Person main = person.value();
        return main != null && !main.deleted() && settings.previousModel().equals(main.model()) && next.value() == null
                && !switchListing(settings.model()).equals(listed.value());
    }

    /** Starts the background re-embedding of the people still pending (again, after a failure). */
    private void startReembedding() {
        Map<EnrollmentArchive, Set<String>> work = new java.util.LinkedHashMap<>();
        Set<String> fromTopic = new java.util.HashSet<>();
        Set<String> fromDirectory = new java.util.HashSet<>();
        pending.forEach((id, origin) -> (origin == Person.Origin.GALLERY_DIR && recognizerSwitch.directory() != null
                ? fromDirectory : fromTopic).add(id));
        work.put(recognizerSwitch.topic(), fromTopic);
        if (recognizerSwitch.directory() != null) {
            work.put(recognizerSwitch.directory(), fromDirectory);
        }
        reembedding = new GalleryReembedding(recognizerSwitch.pipeline(), work);
        reembeddingThread = new Thread(reembedding, "gallery-reembedding-" + subtask());
        reembeddingThread.setDaemon(true);
        reembeddingThread.start();
        LOG.info("gallery shard {}: embedding {} people again with recognizer '{}' (from {}), matching with '{}' until "
                + "every shard is done", subtask(), pending.size(), settings.model(), recognizerSwitch.topic().describe(),
                settings.previousModel());
        scheduleDrain(REEMBED_DRAIN_MS);
    }

    private void scheduleDrain(long delayMs) {
        getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime() + delayMs,
                time -> drainReembedding());
    }

    /** Applies the re-embedding's results on the task thread; when it has read everything, lists whoever is left. */
    private void drainReembedding() throws Exception {
        GalleryReembedding current = reembedding;
        boolean finished = current.finished(); // read before taking, so that nothing queued before the end is missed
        for (GalleryReembedding.Result result : current.take()) {
            apply(result);
        }
        if (!finished) {
            scheduleDrain(REEMBED_DRAIN_MS);
            return;
        }
        reembedding = null;
        if (current.failure() != null) {
            LOG.warn("gallery shard {}: embedding the gallery again stopped ({} people left), starting again in {} s",
                    subtask(), pending.size(), REEMBED_RETRY_MS / 1000, current.failure());
            getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime() + REEMBED_RETRY_MS,
                    time -> {
                        if (pending.isEmpty()) {
                            becomeReady();
                        } else {
                            startReembedding();
                        }
                    });
            return;
        }
        listNotFound(new ArrayList<>(pending.keySet()), 0);
    }

    private void apply(GalleryReembedding.Result result) throws Exception {
        if (!pending.containsKey(result.personId())) {
            return; // enrolled again, deleted or listed since: the later change stands
        }
        setCurrentKey(result.personId());
        pending.remove(result.personId());
        if (result.person() == null) {
            listNotReembedded(result.personId(), result.refusal());
            return;
        }
        next.update(result.person());
        reindex(result.personId());
        reembedded.inc();
        reembeddedAccumulator.add(1);
    }

    /** People with no record left to embed again (not in the topic nor in gallery.dir), a pass at a time; then ready. */
    private void listNotFound(List<String> ids, int from) throws Exception {
        int to = Math.min(ids.size(), from + LISTED_PER_PASS);
        for (String id : ids.subList(from, to)) {
            if (pending.remove(id) != null) {
                setCurrentKey(id);
                listNotReembedded(id, "has no enrollment record left to embed again, or its photos could not be read ("
                        + recognizerSwitch.topic().describe()
                        + (recognizerSwitch.directory() != null ? ", " + recognizerSwitch.directory().describe() : "") + ")");
            }
        }
        if (to < ids.size()) {
            getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime() + 1,
                    time -> listNotFound(ids, to));
        } else {
            becomeReady();
        }
    }

    private void becomeReady() {
        if (ready) {
            return;
        }
        ready = true;
        LOG.info("gallery shard {}: every person has an entry by recognizer '{}' or was listed, after {} s ({} people in "
                + "its index); frames are matched with it once every shard is ready, then restart the job without "
                + "recognizer.previous-model", subtask(), settings.model(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - switchStartedNanos), index.size());
    }

    /** A dead letter (stage gallery, key the person id) saying why the current person has no entry by the new recognizer. */
    private void listNotReembedded(String id, String why) throws Exception {
        Person main = person.value();
        String previousModel = main != null && main.model() != null ? main.model() : settings.previousModel();
        output.collect(DeadLetters.TAG, new StreamRecord<>(new DeadLetter(personKey(id), DeadLetters.STAGE_GALLERY,
                "person '" + id + "' " + why + "; enrolled with recognizer '" + previousModel + "', not matched once the "
                        + "job matches with '" + settings.model() + "' until enrolled again with photos (./facestream enroll)")));
        listed.update(switchListing(settings.model()));
        notReembedded.inc();
    }

    private static RawRecord personKey(String id) {
        return new RawRecord(id.getBytes(java.nio.charset.StandardCharsets.UTF_8), null, new String[0], new byte[0][], "gallery",
                -1, -1, -1);
    }

    @Override
    public void close() throws Exception {
        try {
            if (reembedding != null) {
                reembedding.cancel(); // it stops at its next record, and closes its consumer and models
                reembeddingThread.join(5_000);
            }
        } finally {
            super.close();
        }
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
        String id = update.id();
        Person current = person.value();
        Person currentNext = settings.switching() ? next.value() : null;
        // What the sightings stage may compare with its faces: the person's embeddings of the job's recognizer.
        Person comparable = currentNext != null ? currentNext
                : current != null && settings.model().equals(current.model()) ? current : null;
        boolean overriddenByTopic = update.origin() == Person.Origin.GALLERY_DIR
                && (current != null && current.origin() == Person.Origin.ENROLLMENTS
                        || currentNext != null && currentNext.origin() == Person.Origin.ENROLLMENTS);
        boolean nothingToDelete = update.deleted() && (current == null || current.deleted()) && currentNext == null;
        boolean ofPrevious = settings.switching() && settings.previousModel().equals(update.model());
        // An enrollment's previous-recognizer entry follows its new one at once (the same call of the enrollment function).
        String shadowed = lastShadowed;
        lastShadowed = null;
        if (update.deleted()) {
            pending.remove(id);
            next.clear();
            boolean marker = directoryPeople.contains(id);
            if (marker) {
                person.update(update); // so that gallery.dir does not bring them back at a fresh start
            } else {
                // Deleting someone gallery.dir cannot bring back leaves nothing behind: no marker, whatever the id.
                person.clear();
            }
            listed.clear();
            reindex(id);
            if (marker || !nothingToDelete) {
                emitChange(record, update, comparable);
            }
        } else if (overriddenByTopic) {
            // the enrollments topic's entry stands
        } else if (settings.switching() && settings.model().equals(update.model())) {
            // During a switch an enrollment's entry by the new recognizer comes first, the previous one's next.
            pending.remove(id); // it stands over the photos being embedded again
            next.update(update);
            listed.clear();
            lastShadowed = id;
            reindex(id);
            emitChange(record, update, comparable);
        } else if (ofPrevious) {
            pending.remove(id);
            person.update(update);
            listed.clear();
            if (!id.equals(shadowed)) {
                // An embedding of the previous recognizer alone: nothing to embed again, and an older new entry is stale.
                next.clear();
                listNotReembedded(id, "was enrolled during the switch by an embedding alone");
            }
            reindex(id);
            emitChange(record, update, comparable);
        } else {
            pending.remove(id);
            person.update(update);
            listed.clear();
            reindex(id);
            emitChange(record, update, comparable);
        }
        galleryUpdates.add(1);
    }

    private void emitChange(StreamRecord<Person> record, Person update, Person comparable) {
        float[][] previous = comparable == null ? new float[0][] : comparable.embeddings();
        GalleryChange change = new GalleryChange(update, previous);
        output.collect(CHANGES, record.hasTimestamp() ? new StreamRecord<>(change, record.getTimestamp())
                : new StreamRecord<>(change));
    }

    /** The indexes' entries of the current person (key {@code id}), from state. */
    private void reindex(String id) throws Exception {
        Person main = person.value();
        boolean present = main != null && !main.deleted();
        Person newEntry = settings.switching() ? next.value() : null;
        Person current = newEntry != null ? newEntry : present && settings.model().equals(main.model()) ? main : null;
        if (current != null) {
            index.put(id, current.embeddings());
        } else {
            index.remove(id);
        }
        boolean ofPrevious = previousIndex != null && present && settings.previousModel().equals(main.model());
        if (previousIndex != null) {
            if (ofPrevious) {
                previousIndex.put(id, main.embeddings());
            } else {
                previousIndex.remove(id);
            }
        }
        if (current == null && present && !ofPrevious) {
            otherModel.add(id);
        } else {
            otherModel.remove(id);
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
            if (settings.model().equals(listed.value()) || switchListing(settings.model()).equals(listed.value())) {
                continue; // listed already (by a switch to this recognizer, too) (cleared when enrolled again or deleted): the person is not read
            }
            Person other = person.value();
            if (other == null || other.deleted() || settings.model().equals(other.model())) {
                continue; // enrolled again or deleted since the pass was planned
            }
            output.collect(DeadLetters.TAG, new StreamRecord<>(new DeadLetter(personKey(id), DeadLetters.STAGE_GALLERY,
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
        Match[] previousBest = settings.switching() ? new Match[faces.length] : null;
        // One shard carries the embeddings on, for the sightings stage; the others' answers stay small.
        boolean carryEmbeddings = subtask() == 0;
        Face[] forward = carryEmbeddings ? faces : new Face[faces.length];
        long start = System.nanoTime();
        for (int i = 0; i < faces.length; i++) {
            Face face = faces[i];
            // A face embedded by another recognizer (in flight when the job restarted with this one) names no one.
            boolean ofThis = settings.model().equals(face.model()) || face.model() == null && !settings.switching();
            best[i] = ofThis ? best(face.embedding(), index, false, settings.matchThreshold()) : Match.unknown(Float.NaN);
            if (previousBest != null) {
                float[] previous = previousEmbeddingOf(face, settings);
                previousBest[i] = previous != null ? best(previous, previousIndex, true, settings.previousMatchThreshold())
                        : Match.unknown(Float.NaN);
            }
            if (!carryEmbeddings) {
                forward[i] = new Face(face.detection(), null, face.model());
            }
        }
        searchLatency.update(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start) / Math.max(1, faces.length));
        int shards = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        output.collect(record.replace(new ShardMatches(ShardMatches.keyOf(frame.frame()), shards, frame.frame(),
                forward, best, previousBest, ready)));
    }

    /**
     * During a switch, a face's embedding by the previous recognizer: its second embedding, or its only one when it was
     * embedded before the restart that began the switch (by the previous recognizer, or unrecorded: the same).
     */
    static float[] previousEmbeddingOf(Face face, MatchSettings settings) {
        if (face.model() == null || settings.previousModel().equals(face.model())) {
            return face.embedding();
        }
        return settings.model().equals(face.model()) ? face.previousEmbedding() : null;
    }

    /**
     * The index's candidates, re-ranked exactly on their embeddings in state; unknown below the threshold. The
     * runner-up is the best score of the next person among the candidates.
     */
    private Match best(float[] probe, PersonIndex in, boolean previous, double threshold) throws Exception {
        String bestId = null;
        String bestName = null;
        float bestScore = Float.NEGATIVE_INFINITY;
        float runnerUp = Float.NaN;
        for (String id : in.candidates(probe, settings.hammingCandidates(), settings.candidatePeople())) {
            setCurrentKey(id);
            Person newEntry = previous || !settings.switching() ? null : next.value();
            Person candidate = newEntry != null ? newEntry : person.value();
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
        return Similarity.reaches(bestScore, threshold)
                ? new Match(bestId, bestName, bestScore, true, runnerUp) : Match.unknown(bestScore, runnerUp);
    }
}
