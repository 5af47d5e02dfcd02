package io.facestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {
    @Test
    void percentilesAreNearestRank() {
        List<Double> values = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            values.add((double) i);
        }
        java.util.Collections.shuffle(values, new java.util.Random(1));
        assertThat(BenchReport.percentile(values, 50)).isEqualTo(50.0);
        assertThat(BenchReport.percentile(values, 99)).isEqualTo(99.0);
        assertThat(BenchReport.percentile(List.of(7.0), 99)).isEqualTo(7.0);
        assertThat(BenchReport.percentile(List.of(), 50)).isNaN();
    }

    @Test
    void chartsAreWrittenAsPngFiles(@TempDir Path directory) throws Exception {
        BenchReport.charts(directory, Map.of(1, 20.0, 2, 38.0), Map.of(1, 120.0, 4, 130.0), 30.0, List.of(80.0, 120.0, 250.0));
        for (String chart : List.of("throughput-by-parallelism.png", "recognizer-by-batch.png", "latency-distribution.png")) {
            byte[] png = Files.readAllBytes(directory.resolve(chart));
            assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        }
    }
}
