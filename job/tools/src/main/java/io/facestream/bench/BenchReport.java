package io.facestream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.HistogramDataset;

/** The benchmark's outputs: a Markdown table, the full JSON file and PNG charts. */
final class BenchReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchReport() {
    }

    static void markdown(PrintWriter out, Map<String, Object> summary, Map<String, String> targets) {
        out.println("| figure | value | target |");
        out.println("| --- | --- | --- |");
        summary.forEach((key, value) -> out.printf(Locale.ROOT, "| `%s` | %s | %s |%n", key, value, targets.getOrDefault(key, "")));
        out.flush();
    }

    static void json(Path file, Map<String, Object> all) throws IOException {
        Files.createDirectories(file.getParent());
        MAPPER.writeValue(file.toFile(), all);
    }

    static void charts(Path directory, Map<Integer, Double> bareByThreads, Map<Integer, Double> recognizerByBatch,
                       double pipelineFps, List<Double> latenciesMs) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(directory);
        DefaultCategoryDataset throughput = new DefaultCategoryDataset();
        bareByThreads.forEach((threads, fps) -> throughput.addValue(fps, "bare loop", Integer.toString(threads)));
        throughput.addValue(pipelineFps, "Flink + Kafka job", Integer.toString(bareByThreads.keySet().stream().max(Integer::compare).orElse(1)));
        save(directory.resolve("throughput-by-parallelism.png"), ChartFactory.createBarChart(
                "Frames per second by analysis threads", "threads", "frames/s", throughput, PlotOrientation.VERTICAL, true, false, false));

        DefaultCategoryDataset batching = new DefaultCategoryDataset();
        recognizerByBatch.forEach((batch, facesPerSecond) -> batching.addValue(facesPerSecond, "recognizer", Integer.toString(batch)));
        save(directory.resolve("recognizer-by-batch.png"), ChartFactory.createLineChart(
                "Recognizer faces per second by batch size", "batch size", "faces/s", batching, PlotOrientation.VERTICAL, false, false, false));

        if (!latenciesMs.isEmpty()) {
            HistogramDataset histogram = new HistogramDataset();
            histogram.addSeries("capture to committed match", latenciesMs.stream().mapToDouble(Double::doubleValue).toArray(), 40);
            save(directory.resolve("latency-distribution.png"), ChartFactory.createHistogram(
                    "Latency: capture-ts to committed match (ms)", "ms", "matches", histogram, PlotOrientation.VERTICAL, false, false, false));
        }
    }

    private static void save(Path file, JFreeChart chart) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 520);
    }

    static double percentile(List<Double> values, double percentile) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
