package io.facestream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.EnrollmentsTopicArchive;
import io.facestream.serde.EnrollmentRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The enrollments topic read back for a recognizer switch: each wanted person's latest record, once; deletions end them. */
@Tag("kafka")
class EnrollmentsTopicArchiveITCase {
    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    @Test
    void eachWantedPersonsLatestRecordOnceAndNoneForADeletedOne() throws Exception {
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("archive");
        topics.create(KAFKA.broker());
        try (FaceStreamProducer producer = new FaceStreamProducer(KAFKA.broker().bootstrapServers())) {
            producer.sendEnrollment(topics.enrollments(), "ann", "{\"name\":\"Ann 1\",\"images\":[]}".getBytes(StandardCharsets.UTF_8));
            producer.sendEnrollment(topics.enrollments(), "bob", "{\"name\":\"Bob\",\"images\":[]}".getBytes(StandardCharsets.UTF_8));
            producer.sendEnrollment(topics.enrollments(), "carl", "{\"name\":\"Carl\",\"images\":[]}".getBytes(StandardCharsets.UTF_8));
            producer.sendEnrollment(topics.enrollments(), "ann", "{\"name\":\"Ann 2\",\"images\":[]}".getBytes(StandardCharsets.UTF_8));
            producer.sendDeletion(topics.enrollments(), "carl");
            producer.sendEnrollment(topics.enrollments(), "dave", "{\"name\":\"Dave\",\"images\":[]}".getBytes(StandardCharsets.UTF_8));
            producer.flush();
        }
        EnrollmentsTopicArchive archive = new EnrollmentsTopicArchive(KAFKA.broker().bootstrapServers(), new Properties(),
                topics.enrollments());
        List<EnrollmentRecord> read = new ArrayList<>();
        archive.readLatest(Set.of("ann", "bob", "carl"), read::add, () -> false);
        assertThat(read).extracting(EnrollmentRecord::personId).containsExactlyInAnyOrder("ann", "bob");
        assertThat(read).filteredOn(record -> record.personId().equals("ann")).singleElement()
                .satisfies(record -> assertThat(new String(record.raw().value(), StandardCharsets.UTF_8)).contains("Ann 2"));
        List<EnrollmentRecord> none = new ArrayList<>();
        archive.readLatest(Set.of("ann"), none::add, () -> true);
        assertThat(none).as("cancelled before it read anything").isEmpty();
        assertThat(archive.describe()).isEqualTo("topic " + topics.enrollments());
    }
}
