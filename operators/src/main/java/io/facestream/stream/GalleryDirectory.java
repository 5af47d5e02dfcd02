package io.facestream.stream;

import io.facestream.serde.DeadLetter;
import io.facestream.serde.EnrollmentRecord;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.serde.RawRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * {@code gallery.dir}: GALLERY/&lt;personId&gt;/*.jpg (or .jpeg, .png, .webp), one person per
 * directory. Each person becomes an enrollment record, as if it came from the enrollments topic,
 * so the same enrollment rule and the same dead letters apply; the records are marked as coming
 * from the directory, which the enrollments topic overrides.
 */
public final class GalleryDirectory {
    /** The pseudo-topic of these records: ':' and '/' cannot occur in a Kafka topic name. */
    private static final String SOURCE_PREFIX = "gallery.dir:";

    private GalleryDirectory() {
    }

    public static boolean isSource(String topic) {
        return topic != null && topic.startsWith(SOURCE_PREFIX);
    }

    /** The ids of the people with at least one image, sorted (read when the job is built). */
    public static List<String> people(Path directory) {
        try (Stream<Path> persons = Files.list(directory)) {
            List<String> ids = new ArrayList<>();
            for (Path person : persons.filter(Files::isDirectory).sorted().toList()) {
                if (!images(person).isEmpty()) {
                    ids.add(person.getFileName().toString());
                }
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gallery.dir " + directory, e);
        }
    }

    static List<Path> images(Path person) throws IOException {
        try (Stream<Path> files = Files.list(person)) {
            return files.filter(GalleryDirectory::isImage).sorted().toList();
        }
    }

    private static boolean isImage(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(path)
                && (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png") || name.endsWith(".webp"));
    }

    /** One person's photos as an enrollment record. */
    static EnrollmentRecord record(String directory, String personId) throws IOException {
        List<byte[]> photos = new ArrayList<>();
        for (Path image : images(Path.of(directory, personId))) {
            photos.add(Files.readAllBytes(image));
        }
        byte[] value = EnrollmentRequest.ofImages(personId, personId, photos).json();
        return new EnrollmentRecord(personId, new RawRecord(personId.getBytes(StandardCharsets.UTF_8), value, new String[0],
                new byte[0][], SOURCE_PREFIX + directory, 0, 0, 0));
    }

    /** The directory as an archive of enrollments: a person's photos as they are now; a person without any, none. */
    public static EnrollmentArchive archive(Path directory) {
        String dir = directory.toString();
        return new EnrollmentArchive() {
            @Override
            public void readLatest(java.util.Set<String> wanted, java.util.function.Consumer<EnrollmentRecord> each,
                                   java.util.function.BooleanSupplier cancelled) throws IOException {
                for (String personId : people(Path.of(dir))) {
                    if (cancelled.getAsBoolean()) {
                        return;
                    }
                    if (wanted.contains(personId)) {
                        try {
                            each.accept(record(dir, personId));
                        } catch (IOException | UncheckedIOException e) {
                            // Unreadable photos: that person has no record to embed again (and is listed), the rest go on.
                        }
                    }
                }
            }

            @Override
            public String describe() {
                return "gallery.dir " + dir;
            }
        };
    }

    /** Reads one person's photos (on the TaskManager) into an enrollment record; an unreadable one is a dead letter. */
    public static final class Reader extends ProcessFunction<String, EnrollmentRecord> {
        private final String directory;

        public Reader(Path directory) {
            this.directory = directory.toString();
        }

        @Override
        public void processElement(String personId, Context ctx, Collector<EnrollmentRecord> out) {
            byte[] key = personId.getBytes(StandardCharsets.UTF_8);
            String source = SOURCE_PREFIX + directory;
            try {
                out.collect(record(directory, personId));
            } catch (IOException | UncheckedIOException e) {
                ctx.output(DeadLetters.TAG, new DeadLetter(new RawRecord(key, null, new String[0], new byte[0][], source, 0, 0, 0),
                        DeadLetters.STAGE_ENROLLMENT, "cannot read the photos of '" + personId + "': " + e.getMessage()));
            }
        }
    }
}
