package io.facestream.stream;

import io.facestream.match.Person;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A recognizer switch's background work for one gallery shard: reads the latest enrollment of each of the shard's
 * people of the previous recognizer back from where it came from (the enrollments topic or {@code gallery.dir}) and
 * embeds its photos with the new recognizer, on a thread of its own so that frames go on. Results wait in a queue
 * for the task thread, which alone touches state: what was not applied before a failure is done again after it,
 * since the people still to do are read from state.
 */
final class GalleryReembedding implements Runnable {
    /** One person done: their new-recognizer entry, or why there is none. */
    record Result(String personId, Person person, String refusal) {
    }

    private final PipelineSettings settings;
    private final Map<EnrollmentArchive, Set<String>> work;
    private final Queue<Result> results = new ConcurrentLinkedQueue<>();
    private volatile boolean finished;
    private volatile boolean cancelled;
    private volatile Throwable failure;

    /** {@code settings}: the pipeline of the new recognizer; {@code work}: whom to read from where. */
    GalleryReembedding(PipelineSettings settings, Map<EnrollmentArchive, Set<String>> work) {
        this.settings = settings.withoutPrevious().withBatching(PipelineSettings.Batching.OFF);
        this.work = work;
    }

    @Override
    public void run() {
        try (FacePipeline pipeline = FacePipeline.open(settings)) {
            for (Map.Entry<EnrollmentArchive, Set<String>> entry : work.entrySet()) {
                if (!entry.getValue().isEmpty()) {
                    entry.getKey().readLatest(entry.getValue(), record -> results.add(embed(record, pipeline)), () -> cancelled);
                }
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            finished = true;
        }
    }

    private static Result embed(EnrollmentRecord record, FacePipeline pipeline) {
        String id = record.personId();
        try {
            if (record.raw().value() != null && !EnrollmentRequest.isDeletion(record.raw().value())
                    && EnrollmentRequest.parse(id, record.raw().value()).embedding() != null) {
                return new Result(id, null, "was enrolled by an embedding alone: there are no photos to embed again");
            }
            Person person = EnrollmentFunction.toPerson(record, pipeline);
            return person.deleted() ? new Result(id, null, "the latest enrollment record deletes them")
                    : new Result(id, person, null);
        } catch (EnrollmentRequest.InvalidEnrollmentException e) {
            return new Result(id, null, "the photos of their latest enrollment cannot be embedded: " + e.getMessage());
        } catch (RuntimeException e) {
            // As the enrollment function does with a live enrollment: one record never stops the rest.
            return new Result(id, null, "embedding the photos of their latest enrollment failed: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The results so far, taken out of the queue (called by the task thread). */
    List<Result> take() {
        List<Result> taken = new ArrayList<>();
        for (Result result; (result = results.poll()) != null; ) {
            taken.add(result);
        }
        return taken;
    }

    /** Whether it ended (read everything, failed, or was cancelled); results may still wait in the queue. */
    boolean finished() {
        return finished;
    }

    /** Why it stopped before the end; null when it did not. */
    Throwable failure() {
        return failure;
    }

    void cancel() {
        cancelled = true;
    }
}
