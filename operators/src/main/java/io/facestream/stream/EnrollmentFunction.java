package io.facestream.stream;

import io.facestream.config.FaceStreamConfig;
import io.facestream.embed.Vectors;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.ImageAnalysis;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.serde.DeadLetter;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns enrollment records into gallery updates: images go through the same decode, detect,
 * align and embed path as frames and must show exactly one face; a given embedding must come
 * from the configured recognizer, have its dimension and be finite; a null value deletes.
 * Anything else goes to the dead-letter output with the reason. Enrollments are rare, so this
 * runs on the task thread of its own low-volume operator, apart from the frame path.
 */
public class EnrollmentFunction extends ProcessFunction<EnrollmentRecord, GalleryUpdate> {
    private final FaceStreamConfig config;
    private transient FacePipeline pipeline;
    private transient Counter enrollments;
    private transient Counter deadLetters;

    public EnrollmentFunction(FaceStreamConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        pipeline = FacePipeline.open(PipelineSettings.from(config));
        OperatorMetrics metrics = new OperatorMetrics(getRuntimeContext().getMetricGroup());
        enrollments = metrics.counter(StreamMetrics.ENROLLMENTS);
        deadLetters = metrics.counter(StreamMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(EnrollmentRecord record, Context ctx, Collector<GalleryUpdate> out) {
        try {
            out.collect(toUpdate(record, pipeline));
            enrollments.inc();
        } catch (EnrollmentRequest.InvalidEnrollmentException e) {
            deadLetters.inc();
            ctx.output(DeadLetters.TAG, new DeadLetter(record.raw(), DeadLetters.STAGE_ENROLLMENT, e.getMessage()));
        } catch (RuntimeException e) {
            deadLetters.inc();
            ctx.output(DeadLetters.TAG, new DeadLetter(record.raw(), DeadLetters.STAGE_ENROLLMENT,
                    e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** The update an enrollment record asks for; invalid ones throw with the reason. */
    public static GalleryUpdate toUpdate(EnrollmentRecord record, FacePipeline pipeline) {
        String personId = record.personId();
        if (personId == null || personId.isBlank()) {
            throw new EnrollmentRequest.InvalidEnrollmentException("missing key: the person id");
        }
        if (record.raw().value() == null) {
            return GalleryUpdate.delete(personId);
        }
        EnrollmentRequest request = EnrollmentRequest.parse(record.raw().value());
        String model = pipeline.settings().recognizer().id();
        int dimension = pipeline.settings().recognizer().dimension();
        if (request.embedding() != null) {
            if (!request.model().equals(model)) {
                throw new EnrollmentRequest.InvalidEnrollmentException("embedding is from recognizer '" + request.model()
                        + "' but this job uses '" + model + "'");
            }
            if (request.embedding().length != dimension) {
                throw new EnrollmentRequest.InvalidEnrollmentException("embedding has " + request.embedding().length
                        + " values, recognizer '" + model + "' produces " + dimension);
            }
            try {
                return new GalleryUpdate(personId, request.name(),
                        new float[][] {Vectors.l2Normalize(request.embedding().clone())}, model, false);
            } catch (IllegalArgumentException e) {
                throw new EnrollmentRequest.InvalidEnrollmentException("embedding cannot be used: " + e.getMessage());
            }
        }
        List<float[]> embeddings = new ArrayList<>();
        for (int i = 0; i < request.images().size(); i++) {
            ImageAnalysis analysis;
            try {
                analysis = pipeline.analyze(request.images().get(i), true);
            } catch (io.facestream.decode.ImageRefusedException e) {
                throw new EnrollmentRequest.InvalidEnrollmentException("images[" + i + "]: " + e.getMessage());
            }
            if (analysis.faces().size() != 1) {
                throw new EnrollmentRequest.InvalidEnrollmentException("images[" + i + "]: "
                        + (analysis.faces().isEmpty() ? "no face found" : analysis.faces().size() + " faces found")
                        + "; an enrollment image must show exactly one face");
            }
            Face face = analysis.faces().get(0);
            embeddings.add(face.embedding());
        }
        return new GalleryUpdate(personId, request.name(), embeddings.toArray(float[][]::new), model, false);
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
