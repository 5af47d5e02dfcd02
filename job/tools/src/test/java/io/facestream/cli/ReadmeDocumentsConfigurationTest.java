package io.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.ConfigTable;
import io.facestream.job.JobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table is exactly what the keys say of themselves (name, default,
 * meaning): `./facestream config` prints it, to paste between the markers when a key changes.
 */
class ReadmeDocumentsConfigurationTest {
    static final String BEGIN = "<!-- configuration table: the output of ./facestream config -->\n";
    static final String END = "<!-- end of configuration table -->";

    @Test
    void theReadmesTableIsTheKeysOwnTable() throws Exception {
        Path readme = Path.of(System.getProperty("facestream.models.dir")).resolve("../README.md").normalize();
        String text = Files.readString(readme);
        assertThat(text).contains(BEGIN).contains(END);
        String table = text.substring(text.indexOf(BEGIN) + BEGIN.length(), text.indexOf(END));
        assertThat(table).as("README table (regenerate with ./facestream config)").isEqualTo(ConfigTable.markdown(JobOptions.all()));
    }
}
