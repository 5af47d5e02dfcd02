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

    @Test
    void aPersonIdTooLongOrUnprintableIsRefusedAlsoForADeletion() {
        float[] embedding = new float[512];
        embedding[7] = 3f;
        String huge = "p".repeat(700_000);
        assertThatThrownBy(() -> EnrollmentFunction.toPerson(record(huge,
                EnrollmentRequest.ofEmbedding(huge, "Ann", embedding, "faceplugin-fr").json()), TestData.pipeline()))
                .isInstanceOf(EnrollmentRequest.InvalidEnrollmentException.class)
                .hasMessage("the person id (record key) is 700000 bytes, more than the 256 allowed");
        assertThatThrownBy(() -> EnrollmentFunction.toPerson(record(huge, null), TestData.pipeline()))
                .as("deleting an id no enrollment can have").hasMessageContaining("700000 bytes");
        assertThatThrownBy(() -> EnrollmentFunction.toPerson(record("ann\r\nX-Injected: 1", null), TestData.pipeline()))
                .hasMessageStartingWith("the person id (record key) contains U+000D (a control character)");
    }
}
