package io.facestream.stream;

import io.facestream.decode.ImageRefusedException;
import io.facestream.embed.Vectors;
import io.facestream.match.Person;
import io.facestream.model.RecognizerModel;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.ImageAnalysis;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.serde.EnrollmentRequest.InvalidEnrollmentException;
import io.facestream.serde.RawRecord;
import io.facestream.serde.TextLimits;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns enrollment records (from the enrollments topic, and from {@code gallery.dir} at start)
 * into gallery updates, all by one rule: images go through the same pipeline as frames and each
 * must show exactly one face; a given embedding must come from the configured recognizer, have
 * its dimension and a usable norm; a null value deletes. Anything else goes to the dead-letter
 * output with the reason, and nothing of it is applied. Enrollments are rare, so this runs on
 * the task thread of its own low-volume operator, apart from the frame path. During a recognizer switch a person
 * enrolled with photos becomes two updates, one per recognizer, so that both galleries have them; a given embedding
 * may be of either recognizer.
 */
public class EnrollmentFunction extends ProcessFunction<EnrollmentRecord, Person> {
    /** Header of an enrollment dead letter whose value was left out. */
    public static final String PAYLOAD_REMOVED_HEADER = "payload-removed";

    private final PipelineSettings settings;
    private final boolean deadLetterPayload;
    private transient FacePipeline pipeline;
    private transient Counter enrollments;
    private transient Counter deadLetters;

    /**
     * {@code deadLetterPayload}: whether a refused enrollment's dead letter keeps its value (the person's photos or
     * embedding); off, it keeps the key, headers and reason only.
     */
    public EnrollmentFunction(PipelineSettings settings, boolean deadLetterPayload) {
        // One image at a time: nothing to batch.
        this.settings = settings.withBatching(PipelineSettings.Batching.OFF);
        this.deadLetterPayload = deadLetterPayload;
    }

    @Override
    public void open(OpenContext openContext) {
        pipeline = FacePipeline.open(settings);
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        enrollments = metrics.counter(StreamMetrics.ENROLLMENTS);
        deadLetters = metrics.counter(StreamMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(EnrollmentRecord record, Context ctx, Collector<Person> out) {
        String reason;
        try {
            toPeople(record, pipeline).forEach(out::collect);
            enrollments.inc();
            return;
        } catch (InvalidEnrollmentException e) {
            reason = e.getMessage();
        } catch (RuntimeException e) {
            reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        deadLetters.inc();
        // Photos are personal data: by default they do not outlive the refusal in the dead-letter topic.
        RawRecord kept = deadLetterPayload || record.raw().value() == null ? record.raw()
                : record.raw().withoutValue().withHeader(PAYLOAD_REMOVED_HEADER,
                        "value removed: enrollments hold personal data (enrollments.dead-letter-payload=true keeps it)");
        ctx.output(DeadLetters.TAG, new DeadLetter(kept, DeadLetters.STAGE_ENROLLMENT, reason));
    }

    /** The gallery update an enrollment record asks for, by the pipeline's recognizer; invalid ones throw with the reason. */
    public static Person toPerson(EnrollmentRecord record, FacePipeline pipeline) {
        return toPeople(record, pipeline).stream().filter(person -> person.deleted()
                || pipeline.settings().recognizer().id().equals(person.model())).findFirst()
                .orElseThrow(() -> new InvalidEnrollmentException("embedding is from recognizer '"
                        + pipeline.settings().previous().recognizer().id() + "', not '" + pipeline.settings().recognizer().id() + "'"));
    }

    /**
     * The gallery updates an enrollment record asks for: one person (or a deletion), and during a recognizer switch the
     * same person by the previous recognizer too when enrolled with photos; invalid ones throw with the reason.
     */
    public static java.util.List<Person> toPeople(EnrollmentRecord record, FacePipeline pipeline) {
        String personId = record.personId();
        if (personId == null || personId.isEmpty()) {
            throw new InvalidEnrollmentException("missing key: the person id");
        }
        byte[] key = record.raw().key() != null ? record.raw().key() : personId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String refusal = TextLimits.idRefusal("the person id (record key)", key);
        if (refusal != null) {
            throw new InvalidEnrollmentException(refusal);
        }
        if (EnrollmentRequest.isDeletion(record.raw().value())) {
            return java.util.List.of(Person.deletion(personId));
        }
        Person.Origin origin = GalleryDirectory.isSource(record.raw().topic()) ? Person.Origin.GALLERY_DIR
                : Person.Origin.ENROLLMENTS;
        EnrollmentRequest request = EnrollmentRequest.parse(personId, record.raw().value());
        RecognizerModel recognizer = pipeline.settings().recognizer();
        PipelineSettings.PreviousRecognizer previous = pipeline.settings().previous();
        if (request.embedding() != null) {
            RecognizerModel of = previous != null && request.model().equals(previous.recognizer().id())
                    ? previous.recognizer() : recognizer;
            return java.util.List.of(new Person(personId, request.name(), of.id(),
                    new float[][] {givenEmbedding(request, of, pipeline)}, origin));
        }
        float[][] embeddings = new float[request.images().size()][];
        float[][] previousEmbeddings = new float[request.images().size()][];
        for (int i = 0; i < embeddings.length; i++) {
            Face face = onlyFaceOf(request.images().get(i), i, pipeline);
            embeddings[i] = face.embedding();
            previousEmbeddings[i] = face.previousEmbedding();
        }
        Person person = new Person(personId, request.name(), recognizer.id(), embeddings, origin);
        // The new recognizer's entry first: a gallery shard takes a previous-recognizer entry that does not follow one as
        // an enrollment by that recognizer's embedding alone.
        return previous == null ? java.util.List.of(person)
                : java.util.List.of(person,
                        new Person(personId, request.name(), previous.recognizer().id(), previousEmbeddings, origin));
    }

    private static float[] givenEmbedding(EnrollmentRequest request, RecognizerModel recognizer, FacePipeline pipeline) {
        String model = recognizer.id();
        int dimension = recognizer.dimension();
        if (!request.model().equals(model)) {
            throw new InvalidEnrollmentException("embedding is from recognizer '" + TextLimits.quote(request.model())
                    + "' but this job uses '" + model + "'"
                    + (pipeline.settings().previous() == null ? "" : " (and '" + pipeline.settings().previous().recognizer().id()
                            + "' until its switch is done)"));
        }
        if (request.embedding().length != dimension) {
            throw new InvalidEnrollmentException("embedding has " + request.embedding().length
                    + " values, recognizer '" + model + "' produces " + dimension);
        }
        try {
            return Vectors.l2Normalize(request.embedding().clone());
        } catch (IllegalArgumentException e) {
            throw new InvalidEnrollmentException("embedding cannot be used: " + e.getMessage());
        }
    }

    /** The enrollment rule for photos: exactly one face, whose embedding is the person's. */
    private static Face onlyFaceOf(byte[] image, int index, FacePipeline pipeline) {
        ImageAnalysis analysis;
        try {
            analysis = pipeline.analyze(image, true);
        } catch (ImageRefusedException e) {
            throw new InvalidEnrollmentException("images[" + index + "]: " + e.getMessage());
        }
        if (analysis.faces().size() != 1) {
            throw new InvalidEnrollmentException("images[" + index + "]: "
                    + (analysis.faces().isEmpty() ? "no face found" : analysis.faces().size() + " faces found")
                    + "; an enrollment image must show exactly one face");
        }
        return analysis.faces().get(0);
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
