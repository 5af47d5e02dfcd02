package io.facestream.stream;

import io.facestream.decode.ImageRefusedException;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.ImageAnalysis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads GALLERY/&lt;personId&gt;/*.jpg (or .png): one person per directory, one face per image. */
public final class GalleryDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(GalleryDirectory.class);

    private GalleryDirectory() {
    }

    public static Map<String, GalleryEntry> load(Path directory, FacePipeline pipeline) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("gallery.dir " + directory + " is not a directory");
        }
        Map<String, GalleryEntry> people = new LinkedHashMap<>();
        try (Stream<Path> persons = Files.list(directory)) {
            for (Path person : persons.filter(Files::isDirectory).sorted().toList()) {
                List<float[]> embeddings = new ArrayList<>();
                try (Stream<Path> images = Files.list(person)) {
                    for (Path image : images.filter(GalleryDirectory::isImage).sorted().toList()) {
                        try {
                            ImageAnalysis analysis = pipeline.analyze(Files.readAllBytes(image), true);
                            if (analysis.faces().size() == 1) {
                                embeddings.add(analysis.faces().get(0).embedding());
                            } else {
                                LOG.warn("gallery image {} skipped: {} faces, expected exactly one", image, analysis.faces().size());
                            }
                        } catch (ImageRefusedException e) {
                            LOG.warn("gallery image {} skipped: {}", image, e.getMessage());
                        }
                    }
                }
                if (!embeddings.isEmpty()) {
                    String id = person.getFileName().toString();
                    people.put(id, new GalleryEntry(id, embeddings.toArray(float[][]::new), false));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gallery.dir " + directory, e);
        }
        LOG.info("loaded {} people from gallery directory {}", people.size(), directory);
        return people;
    }

    private static boolean isImage(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png") || name.endsWith(".webp");
    }
}
