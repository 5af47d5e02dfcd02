package io.facestream.bench;

import io.facestream.detect.DetectedFace;
import io.facestream.match.EmbeddingRows;
import io.facestream.match.Match;
import io.facestream.match.Person;
import io.facestream.match.SyntheticGallery;
import io.facestream.pipeline.Face;
import io.facestream.serde.FrameRecord;
import io.facestream.serde.RawRecord;
import io.facestream.stream.AnalyzedFrame;
import io.facestream.stream.GalleryShardOperator;
import io.facestream.stream.MatchSettings;
import io.facestream.stream.ShardMatches;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * The gallery as the job runs it: one {@link GalleryShardOperator} with its people in RocksDB
 * (incremental checkpoints), driven through Flink's operator harness, on a synthetic gallery
 * shaped like real ones ({@link SyntheticGallery}: people of four embeddings at cosine 0.55-0.80
 * to their centre; probes of enrolled people and 10% of people never enrolled). Measures search
 * time per face (index scan and exact re-rank of the candidates read from RocksDB), recall@1
 * against an exact scan, open-set accuracy at the shipped threshold, the index's memory, build
 * and restore times, how soon an enrollment shows and how long it holds frames up, and what a
 * checkpoint after one enrollment writes.
 */
final class GalleryBenchmark {
    static final int DIMENSION = 512;
    static final int PER_PERSON = 4;
    static final float THRESHOLD = 0.38f;

    private final PrintWriter err;

    GalleryBenchmark(PrintWriter err) {
        this.err = err;
    }

    Map<String, Object> run(int size, int probes, long seed) throws Exception {
        SyntheticGallery synthetic = new SyntheticGallery(DIMENSION, seed);
        int people = Math.max(1, size / PER_PERSON);
        float[][] centres = new float[people][];
        EmbeddingRows exact = new EmbeddingRows(people * PER_PERSON, DIMENSION);
        Path work = Files.createTempDirectory("facestream-gallery-bench-");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("gallery_size", people * PER_PERSON);
        try (var shard = shard(work.resolve("a"), null)) {
            progress("loading %,d people (%,d embeddings) into RocksDB and the index", people, people * PER_PERSON);
            long start = System.nanoTime();
            for (int p = 0; p < people; p++) {
                centres[p] = synthetic.centre();
                float[][] embeddings = synthetic.person(centres[p], PER_PERSON);
                for (int e = 0; e < PER_PERSON; e++) {
                    exact.set(p * PER_PERSON + e, embeddings[e]);
                }
                shard.processElement1(person("p" + p, embeddings), 0);
            }
            result.put("gallery_build_s", Stopwatch.round((System.nanoTime() - start) / 1e9, 1));
            GalleryShardOperator operator = (GalleryShardOperator) shard.getOperator();
            result.put("gallery_memory_mb", Stopwatch.round(operator.indexBytes() / 1e6, 1));

            searches(shard, synthetic, centres, exact, probes, result);
            updates(shard, synthetic, people, result);

            progress("checkpoints: the whole gallery, then after one enrollment (incremental)");
            OperatorSubtaskState full = shard.snapshot(1, 1);
            shard.notifyOfCompletedCheckpoint(1);
            // RocksDB compacts the freshly loaded files after the first flush; a running job has long
            // done that, so settle it before measuring what one enrollment costs.
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
            shard.snapshot(2, 2);
            shard.notifyOfCompletedCheckpoint(2);
            shard.processElement1(person("one-more", synthetic.person(synthetic.centre(), PER_PERSON)), 3);
            OperatorSubtaskState afterOne = shard.snapshot(3, 3);
            result.put("gallery_state_mb", Stopwatch.round(stateSize(full) / 1e6, 1));
            result.put("gallery_checkpoint_after_update_mb", Stopwatch.round(checkpointedSize(afterOne) / 1e6, 2));

            // From the first checkpoint: the second refers to its files through placeholders that only
            // Flink's checkpoint coordinator resolves, which this harness has not.
            progress("restoring a shard from the first checkpoint");
            long restoreStart = System.nanoTime();
            try (var restored = shard(work.resolve("b"), full)) {
                result.put("gallery_restore_s", Stopwatch.round((System.nanoTime() - restoreStart) / 1e9, 1));
                restored.processElement2(frame(0, new float[][] {synthetic.around(centres[0])}), 1);
                result.put("gallery_restored_people", ((GalleryShardOperator) restored.getOperator()).people());
            }
        } finally {
            deleteQuietly(work);
        }
        return result;
    }

    /** Probes of enrolled people and 10% strangers: time per face, recall@1 against the exact scan, open-set accuracy. */
    private void searches(KeyedTwoInputStreamOperatorTestHarness<String, Person, AnalyzedFrame, ShardMatches> shard,
                          SyntheticGallery synthetic, float[][] centres, EmbeddingRows exact, int probes,
                          Map<String, Object> result) throws Exception {
        int strangers = Math.max(1, probes / 10);
        List<float[]> queries = new ArrayList<>();
        List<Integer> truePerson = new ArrayList<>();
        for (int q = 0; q < probes; q++) {
            int person = synthetic.nextInt(centres.length);
            queries.add(synthetic.around(centres[person]));
            truePerson.add(person);
        }
        for (int q = 0; q < strangers; q++) {
            queries.add(synthetic.around(synthetic.centre()));
            truePerson.add(-1);
        }
        progress("exact answers for %,d probes (a full scan each, both cores)", queries.size());
        int[] exactRow = IntStream.range(0, queries.size()).parallel().map(q -> exact.best(queries.get(q))).toArray();
        progress("searching the shard");
        for (int warm = 0; warm < 200; warm++) {
            shard.processElement2(frame(warm, new float[][] {queries.get(warm % queries.size())}), 0);
        }
        shard.getOutput().clear();
        double[] micros = new double[queries.size()];
        int recallHits = 0;
        int enrolledProbes = 0;
        int openSetCorrect = 0;
        for (int q = 0; q < queries.size(); q++) {
            long start = System.nanoTime();
            shard.processElement2(frame(q, new float[][] {queries.get(q)}), 0);
            micros[q] = (System.nanoTime() - start) / 1e3;
            List<ShardMatches> out = shard.extractOutputValues();
            Match match = out.get(out.size() - 1).best()[0];
            String exactPerson = "p" + exactRow[q] / PER_PERSON;
            float exactScore = exact.dot(exactRow[q], queries.get(q));
            int person = truePerson.get(q);
            if (person >= 0) {
                enrolledProbes++;
                // The approximate answer is the exact one when it names the exact top-1's person.
                recallHits += match.known() ? (exactPerson.equals(match.personId()) ? 1 : 0)
                        : (exactScore < THRESHOLD ? 1 : 0);
            }
            boolean correct = person >= 0 ? match.known() && ("p" + person).equals(match.personId()) : !match.known();
            openSetCorrect += correct ? 1 : 0;
            shard.getOutput().clear();
        }
        double[] sorted = micros.clone();
        java.util.Arrays.sort(sorted);
        result.put("gallery_index_ms", Stopwatch.round(sorted[sorted.length / 2] / 1e3, 3));
        result.put("gallery_index_p99_ms", Stopwatch.round(sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e3, 3));
        result.put("gallery_recall_at_1", Stopwatch.round(recallHits / (double) enrolledProbes, 4));
        result.put("gallery_open_set_accuracy", Stopwatch.round(openSetCorrect / (double) queries.size(), 4));
        result.put("gallery_probes", queries.size());
    }

    /**
     * Enrollments while frames flow, in the operator: each new person is looked for in the very
     * next frame; the time from the enrollment's arrival to that frame's answer naming them, and
     * the longest time an enrollment held the operator (every frame behind it waits that long).
     */
    private void updates(KeyedTwoInputStreamOperatorTestHarness<String, Person, AnalyzedFrame, ShardMatches> shard,
                         SyntheticGallery synthetic, int people, Map<String, Object> result) throws Exception {
        progress("enrollments while frames flow");
        int count = 200;
        double[] visible = new double[count];
        double stall = 0;
        int seen = 0;
        for (int u = 0; u < count; u++) {
            String id = "new-" + u;
            float[][] embeddings = synthetic.person(synthetic.centre(), PER_PERSON);
            long start = System.nanoTime();
            shard.processElement1(person(id, embeddings), 0);
            stall = Math.max(stall, (System.nanoTime() - start) / 1e6);
            // One of their own photos: the first frame after the enrollment must name them.
            shard.processElement2(frame(u, new float[][] {embeddings[0]}), 0);
            visible[u] = (System.nanoTime() - start) / 1e6;
            List<ShardMatches> out = shard.extractOutputValues();
            seen += id.equals(out.get(out.size() - 1).best()[0].personId()) ? 1 : 0;
            shard.getOutput().clear();
            if (u % 2 == 1) { // and deletions, in place too
                long deletion = System.nanoTime();
                shard.processElement1(Person.deletion("p" + synthetic.nextInt(people)), 0);
                stall = Math.max(stall, (System.nanoTime() - deletion) / 1e6);
            }
        }
        java.util.Arrays.sort(visible);
        result.put("gallery_update_visible_ms", Stopwatch.round(visible[(int) Math.ceil(count * 0.99) - 1], 2));
        result.put("gallery_update_stall_ms", Stopwatch.round(stall, 2));
        result.put("gallery_updates_found", seen + "/" + count);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Person, AnalyzedFrame, ShardMatches> shard(
            Path directory, OperatorSubtaskState restore) throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new GalleryShardOperator(new MatchSettings("bench", THRESHOLD, true, 32, 4), DIMENSION),
                Person::id, null, Types.STRING);
        EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend(true);
        // A TaskManager gives RocksDB a share of its managed memory; the harness has next to none,
        // which would flush every few kilobytes: a fixed budget like a small TaskManager's instead.
        rocksDb.getMemoryConfiguration().setUseManagedMemory(false);
        rocksDb.getMemoryConfiguration().setFixedMemoryPerSlot(MemorySize.parse("256mb"));
        rocksDb.setDbStoragePath(directory.resolve("rocksdb").toString());
        harness.setStateBackend(rocksDb);
        // Checkpoints go to files, as on a cluster's volume (the harness keeps them in memory otherwise).
        harness.setCheckpointStorage(new FileSystemCheckpointStorage(directory.getParent().resolve("checkpoints").toUri()));
        harness.setup();
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    private static Person person(String id, float[][] embeddings) {
        return new Person(id, id, "bench", embeddings, Person.Origin.ENROLLMENTS);
    }

    private static AnalyzedFrame frame(long seq, float[][] embeddings) {
        RawRecord raw = new RawRecord(null, null, new String[0], new byte[0][], "frames", 0, seq, 0);
        Face[] faces = new Face[embeddings.length];
        for (int i = 0; i < faces.length; i++) {
            faces[i] = new Face(new DetectedFace(0, 0, 1, 1, 1f, new float[10]), embeddings[i], "bench");
        }
        return new AnalyzedFrame(new FrameRecord("bench", seq, 0, raw, null), faces, null, null);
    }

    private static long stateSize(OperatorSubtaskState state) {
        return state.getManagedKeyedState().stream().mapToLong(KeyedStateHandle::getStateSize).sum();
    }

    private static long checkpointedSize(OperatorSubtaskState state) {
        return state.getManagedKeyedState().stream().mapToLong(KeyedStateHandle::getCheckpointedSize).sum();
    }

    private void progress(String format, Object... arguments) {
        err.printf("bench: gallery: " + format + "%n", arguments);
        err.flush();
    }

    private static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (java.io.IOException e) {
            // temporary files only
        }
    }
}
