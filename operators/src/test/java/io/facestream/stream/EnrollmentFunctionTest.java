package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.facestream.embed.Vectors;
import io.facestream.match.Person;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.serde.RawRecord;
import io.facestream.testing.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The enrollment rule for given embeddings: right recognizer, right size, a norm that can be normalised. */
@Tag("model")
class EnrollmentFunctionTest {
    static EnrollmentRecord record(String personId, byte[] value) {
        return new EnrollmentRecord(personId, new RawRecord(personId.getBytes(), value, new String[0], new byte[0][],
                "enrollments", 0, 1, 1));
    }

    @Test
    void aGivenEmbeddingIsNormalisedAndCarriesTheJobsRecognizer() {
        float[] embedding = new float[512];
        embedding[7] = 3f;
        Person person = EnrollmentFunction.toPerson(record("ann",
                EnrollmentRequest.ofEmbedding("ann", "Ann", embedding, "faceplugin-fr").json()), TestData.pipeline());
        assertThat(person.model()).isEqualTo("faceplugin-fr");
        assertThat(Vectors.dot(person.embeddings()[0], person.embeddings()[0])).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void aTinyNormEmbeddingIsRefusedRatherThanReplacingTheEntryWithInfinities() {
        float[] tiny = new float[512];
        tiny[0] = 1e-40f;
        assertThatThrownBy(() -> EnrollmentFunction.toPerson(record("ann",
                EnrollmentRequest.ofEmbedding("ann", "Ann", tiny, "faceplugin-fr").json()), TestData.pipeline()))
                .isInstanceOf(EnrollmentRequest.InvalidEnrollmentException.class)
                .hasMessageStartingWith("embedding cannot be used: cannot normalise a vector of norm");
        assertThatThrownBy(() -> EnrollmentFunction.toPerson(record("ann",
                EnrollmentRequest.ofEmbedding("ann", "Ann", new float[512], "faceplugin-fr").json()), TestData.pipeline()))
                .hasMessage("embedding cannot be used: cannot normalise a vector of norm 0.0");
    }

    @Test
    void aTombstoneAndADeletionMarkerBothDeleteAndAnEnrollmentIsNotMistakenForOne() {
        assertThat(EnrollmentFunction.toPerson(record("ann", null), TestData.pipeline()).deleted()).isTrue();
        assertThat(EnrollmentFunction.toPerson(record("ann", EnrollmentRequest.deletionMarker()), TestData.pipeline())
                .deleted()).isTrue();
        assertThat(EnrollmentRequest.isDeletion("{\"deleted\": false}".getBytes())).isFalse();
        assertThat(EnrollmentRequest.isDeletion("not json".getBytes())).isFalse();
        float[] embedding = new float[512];
        embedding[7] = 3f;
        assertThat(EnrollmentRequest.isDeletion(EnrollmentRequest.ofEmbedding("ann", "Ann", embedding, "faceplugin-fr")
                .json())).isFalse();
    }
}
