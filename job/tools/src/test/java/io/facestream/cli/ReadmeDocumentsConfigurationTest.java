package io.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.ConfigKey;
import io.facestream.job.JobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every configuration key is documented in the README's configuration table. */
class ReadmeDocumentsConfigurationTest {
    @Test
    void everyKeyHasARowInTheReadme() throws Exception {
        Path readme = Path.of(System.getProperty("facestream.models.dir")).resolve("../README.md").normalize();
        String text = Files.readString(readme);
        for (ConfigKey<?> key : JobOptions.all()) {
            String row = "| `" + key.name() + (key.isPrefix() ? "*" : "") + "` |";
            assertThat(text).as("README row for %s", key.name()).contains(row);
        }
    }
}
