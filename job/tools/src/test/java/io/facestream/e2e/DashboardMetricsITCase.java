package io.facestream.e2e;

import static io.facestream.e2e.JobTestSupport.config;
import static io.facestream.e2e.JobTestSupport.enroll;
import static io.facestream.e2e.JobTestSupport.person;
import static io.facestream.e2e.JobTestSupport.sendFrames;
import static io.facestream.e2e.JobTestSupport.videoFrames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.config.FaceStreamConfig;
import io.facestream.ingest.FaceStreamProducer;
import io.facestream.job.FaceStreamJob;
import io.facestream.job.JobOptions;
import io.facestream.runner.LocalJob;
import io.facestream.runner.RunningJob;
import io.facestream.stream.StreamMetrics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard of deploy/grafana/facestream.json against the job itself: it is Grafana dashboard JSON
 * whose panels query a Prometheus data source chosen by a variable, and every metric its queries name is one the
 * job really exports through Flink's Prometheus reporter (scraped from a local run that analysed frames and took a
 * checkpoint), except the few that another exporter provides ({@link #FROM_OTHER_EXPORTERS}); and so is every metric
 * the alert rules of deploy/grafana/alerts.yaml name.
 */
@Tag("model")
@Tag("flink")
@Tag("kafka")
class DashboardMetricsITCase {
    static final Path DASHBOARD = JobTestSupport.modelsDir().getParent().resolve("deploy/grafana/facestream.json");
    static final Path ALERTS = DASHBOARD.resolveSibling("alerts.yaml");

    /** Metrics the dashboard may name although Flink never exports them, each with the exporter that does. */
    static final Map<String, String> FROM_OTHER_EXPORTERS = Map.of(
            "DCGM_FI_DEV_GPU_UTIL", "GPU utilisation: NVIDIA's DCGM exporter (dcgm-exporter, part of the GPU operator); Flink exports no GPU metric",
            "DCGM_FI_DEV_FB_USED", "GPU memory in use: NVIDIA's DCGM exporter; Flink exports no GPU metric");

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    @TempDir
    Path checkpoints;

    @Test
    void theDashboardIsGrafanaJsonOverAPrometheusDataSourceVariable() throws IOException {
        JsonNode dashboard = readDashboard();
        assertThat(Dashboard.problems(dashboard)).isEmpty();
        assertThat(Dashboard.queries(dashboard)).hasSizeGreaterThan(20);

        ObjectNode broken = dashboard.deepCopy();
        ObjectNode panel = (ObjectNode) Dashboard.panels(broken).stream().filter(p -> p.has("targets")).findFirst().orElseThrow();
        String title = panel.path("title").asText();
        panel.putObject("datasource").put("type", "prometheus").put("uid", "PBFA97CFB590B2093");
        ((ObjectNode) panel.path("targets").get(0)).put("expr", "rate(x[$interval_typo])");
        broken.remove("uid");
        ((ObjectNode) broken.path("templating")).putArray("list");
        assertThat(Dashboard.problems(broken)).contains(
                "no uid",
                "no datasource variable of type datasource for Prometheus (templating.list)",
                "panel '" + title + "': datasource uid is PBFA97CFB590B2093, not ${datasource}",
                "panel '" + title + "' target A: unknown variable $interval_typo");
    }

    @Test
    void metricNamesAreTheIdentifiersThatAreNotFunctionsKeywordsLabelsOrVariables() {
        assertThat(PromQl.metricNames("sum by (job_name, operator_name) (rate(flink_a_total{namespace=~\"$namespace\","
                + " job_name=~\"$job\"}[$__rate_interval])) / ignoring(quantile) group_left"
                + " max without (subtask_index) (flink_b{quantile=\"0.99\"} offset 5m) * 1e3 > bool 0.5"))
                .containsExactly("flink_a_total", "flink_b");
        assertThat(PromQl.metricNames("histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m]))) or on() vector(0)"))
                .containsExactly("x_bucket");
        assertThat(PromQl.metricNames("{__name__=\"flink_c\", job=\"x\"} and flink_d:ratio")).containsExactly("flink_c", "flink_d:ratio");
        assertThat(PromQl.metricNames("label_values(flink_jobmanager_job_uptime{namespace=~\"$namespace\"}, job_name)"))
                .containsExactly("flink_jobmanager_job_uptime");
    }

    @Test
    void everyMetricTheDashboardQueriesIsOneTheJobExports() throws Exception {
        JsonNode dashboard = readDashboard();
        JobTestSupport.Topics topics = JobTestSupport.Topics.unique("dashboard");
        topics.create(KAFKA.broker());
        int prometheusPort = freePort();
        FaceStreamConfig config = config(KAFKA.broker(), topics, checkpoints, Map.of(
                "flink.rest.port", Integer.toString(freePort()),
                "flink.heartbeat.interval", "500",
                "flink.metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                "flink.metrics.reporter.prom.port", Integer.toString(prometheusPort)));
        List<byte[]> frames = videoFrames("franck.mp4", 0.5, 8);

        String scrape;
        StreamExecutionEnvironment env = LocalJob.environment(config);
        new FaceStreamJob(config).wire(env);
        try (FaceStreamProducer producer = new FaceStreamProducer(KAFKA.broker().bootstrapServers());
             RunningJob job = new RunningJob(env.executeAsync(config.get(JobOptions.JOB_NAME)))) {
            enroll(producer, topics.enrollments(), person("franck"));
            job.await(StreamMetrics.GALLERY_UPDATES_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(2));
            sendFrames(producer, topics.frames(), "cam-dashboard", frames, 0);
            producer.sendFrame(topics.frames(), "cam-dashboard", frames.size(), System.currentTimeMillis(),
                    "not an image".getBytes(StandardCharsets.UTF_8)); // a dead letter
            producer.flush();
            job.await(StreamMetrics.FRAMES_COMPLETED, v -> v >= frames.size(), Duration.ofMinutes(3));
            job.await(StreamMetrics.INPUT_DEAD_LETTERS_ACCUMULATOR, v -> v >= 1, Duration.ofMinutes(1));
            scrape = awaitScrape(prometheusPort, dashboard, Duration.ofMinutes(1));
        }
        Path dump = Path.of("target", "dashboard-metrics", "scrape.txt");
        Files.createDirectories(dump.getParent());
        Files.writeString(dump, scrape);

        Set<String> exported = Scrape.sampleNames(scrape);
        assertThat(exported).as("the job's own metrics reach the reporter (group %s)", StreamMetrics.GROUP)
                .contains("flink_taskmanager_job_task_operator_facestream_framesIn", "flink_jobmanager_job_lastCheckpointDuration");
        assertThat(Scrape.value(scrape, "flink_jobmanager_job_numberOfCompletedCheckpoints")).isPositive();

        List<String> unknown = unknownMetrics(dashboard, exported);
        assertThat(unknown).as("metrics the dashboard %s queries that the job does not export (all %d scraped names in %s)",
                DASHBOARD, exported.size(), dump.toAbsolutePath()).isEmpty();

        // The alert rules too: an alert on a metric nobody exports never fires.
        List<String> alertMetrics = new ArrayList<>();
        Matcher alertExpr = Pattern.compile("(?m)^\\s*expr:\\s*(.+)$").matcher(Files.readString(ALERTS));
        while (alertExpr.find()) {
            alertMetrics.addAll(PromQl.metricNames(alertExpr.group(1)));
        }
        assertThat(alertMetrics).as("metrics of %s", ALERTS).contains("flink_jobmanager_job_numRestarts",
                "flink_taskmanager_job_task_operator_facestream_camera_clockOffsetMs");
        assertThat(alertMetrics).as("metrics %s alerts on that the job does not export", ALERTS)
                .allSatisfy(metric -> assertThat(exported).contains(metric));

        // Not vacuous: a misspelt metric in a real panel is named.
        ObjectNode broken = dashboard.deepCopy();
        JsonNode target = Dashboard.panels(broken).stream().filter(p -> p.has("targets")).findFirst().orElseThrow().path("targets").get(0);
        String expr = target.path("expr").asText();
        String misspelt = PromQl.metricNames(expr).iterator().next();
        ((ObjectNode) target).put("expr", expr.replace(misspelt, misspelt + "s"));
        assertThat(unknownMetrics(broken, exported)).singleElement()
                .satisfies(problem -> assertThat(problem).endsWith(": " + misspelt + "s"));
    }

    /** "panel 'title' target refId: metric" for every metric a query names that is neither exported nor allowed. */
    static List<String> unknownMetrics(JsonNode dashboard, Set<String> exported) {
        List<String> unknown = new ArrayList<>();
        Dashboard.queries(dashboard).forEach((where, expr) -> {
            for (String metric : PromQl.metricNames(expr)) {
                if (!exported.contains(metric) && !FROM_OTHER_EXPORTERS.containsKey(metric)) {
                    unknown.add(where + ": " + metric);
                }
            }
        });
        return unknown;
    }

    static JsonNode readDashboard() throws IOException {
        assertThat(DASHBOARD).as("the dashboard").exists();
        return JobTestSupport.MAPPER.readTree(DASHBOARD.toFile());
    }

    /**
     * Scrapes until a checkpoint has completed and every metric of the dashboard is there (some register late, e.g. the
     * Kafka consumer's once it fetched); at the deadline, the last scrape, for the assertions to name what is missing.
     */
    private static String awaitScrape(int port, JsonNode dashboard, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            if (Scrape.value(body, "flink_jobmanager_job_numberOfCompletedCheckpoints") > 0
                    && unknownMetrics(dashboard, Scrape.sampleNames(body)).isEmpty()) {
                return body;
            }
            Thread.sleep(500);
        }
        return body;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The Prometheus text format as Flink's reporter writes it. */
    static final class Scrape {
        private Scrape() {
        }

        /** The name of every sample line (a summary's quantiles, _count and _sum lines are samples like any other). */
        static Set<String> sampleNames(String text) {
            Set<String> names = new TreeSet<>();
            text.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
            return names;
        }

        /** The sum of a metric's samples (0 when absent). */
        static double value(String text, String name) {
            return text.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        }
    }

    /** Metric names in PromQL: the identifiers that are not functions, keywords, label names or Grafana variables. */
    static final class PromQl {
        private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
                "group_left", "group_right", "bool", "offset", "atan2", "inf", "nan", "start", "end");
        private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
        private static final Pattern NAME_MATCHER = Pattern.compile("__name__\\s*=\\s*\"([^\"]*)\"");
        private static final Pattern LABEL_LIST = Pattern.compile(
                "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
        private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\s*\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$",
                Pattern.DOTALL);
        /** Durations (5m, 1h30m), hexadecimal and decimal numbers (0.99, 1e3), so that no part of one reads as a name. */
        private static final Pattern NUMBER = Pattern.compile("(?<![a-zA-Z0-9_:.])(?:(?:[0-9]+(?:ms|[smhdwy]))+"
                + "|0[xX][0-9a-fA-F]+|[0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?)(?![a-zA-Z0-9_:])");
        private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

        private PromQl() {
        }

        static Set<String> metricNames(String expr) {
            Set<String> names = new LinkedHashSet<>();
            Matcher labelValues = LABEL_VALUES.matcher(expr);
            String text = labelValues.matches() ? labelValues.group(1) : expr;
            Matcher nameMatcher = NAME_MATCHER.matcher(text);
            while (nameMatcher.find()) {
                names.add(nameMatcher.group(1));
            }
            text = text.replaceAll("\\$\\{[^}]*}|\\$[a-zA-Z_][a-zA-Z0-9_]*|\\[\\[[^]]*]]", " ");
            text = STRING.matcher(text).replaceAll(" ");
            text = text.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
            text = LABEL_LIST.matcher(text).replaceAll(" ");
            text = NUMBER.matcher(text).replaceAll(" ");
            Matcher identifier = IDENTIFIER.matcher(text);
            while (identifier.find()) {
                String name = identifier.group();
                boolean call = text.substring(identifier.end()).stripLeading().startsWith("(");
                if (!call && !KEYWORDS.contains(name.toLowerCase())) {
                    names.add(name);
                }
            }
            return names;
        }
    }

    /** Grafana dashboard JSON (schemaVersion 39): the shape that provisioning and the import dialog accept. */
    static final class Dashboard {
        static final String DATASOURCE = "${datasource}";
        private static final Set<String> BUILT_IN_VARIABLES = Set.of("__rate_interval", "__interval", "__interval_ms",
                "__range", "__range_s", "__range_ms", "__dashboard", "__from", "__to");
        private static final Pattern VARIABLE = Pattern.compile("\\$\\{([a-zA-Z0-9_]+)(?::[^}]*)?}|\\$([a-zA-Z_][a-zA-Z0-9_]*)");

        private Dashboard() {
        }

        /** Every panel, those inside collapsed rows included. */
        static List<JsonNode> panels(JsonNode dashboard) {
            List<JsonNode> panels = new ArrayList<>();
            for (JsonNode panel : dashboard.path("panels")) {
                panels.add(panel);
                panel.path("panels").forEach(panels::add);
            }
            return panels;
        }

        /** Every PromQL query of the dashboard, by where it is: its panel targets and its query variables. */
        static Map<String, String> queries(JsonNode dashboard) {
            Map<String, String> queries = new LinkedHashMap<>();
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    queries.put("panel '" + panel.path("title").asText() + "' target " + target.path("refId").asText(),
                            target.path("expr").asText());
                }
            }
            for (JsonNode variable : dashboard.at("/templating/list")) {
                if (variable.path("type").asText().equals("query")) {
                    JsonNode query = variable.path("query");
                    queries.put("variable " + variable.path("name").asText(), query.isObject() ? query.path("query").asText() : query.asText());
                }
            }
            return queries;
        }

        static List<String> problems(JsonNode dashboard) {
            List<String> problems = new ArrayList<>();
            if (dashboard.path("title").asText().isBlank()) {
                problems.add("no title");
            }
            if (!dashboard.path("uid").asText().matches("[a-zA-Z0-9_-]{1,40}")) {
                problems.add(dashboard.has("uid") ? "uid is not 1-40 letters, digits, - or _" : "no uid");
            }
            if (!dashboard.path("schemaVersion").isInt()) {
                problems.add("no schemaVersion");
            }
            if (dashboard.has("id") && !dashboard.path("id").isNull()) {
                problems.add("id is set: provisioning and import must let Grafana choose it (null)");
            }
            Set<String> variables = new HashSet<>();
            boolean datasourceVariable = false;
            for (JsonNode variable : dashboard.at("/templating/list")) {
                variables.add(variable.path("name").asText());
                if (variable.path("name").asText().equals("datasource") && variable.path("type").asText().equals("datasource")
                        && variable.path("query").asText().equals("prometheus")) {
                    datasourceVariable = true;
                } else if (variable.path("type").asText().equals("query")
                        && !variable.at("/datasource/uid").asText().equals(DATASOURCE)) {
                    problems.add("variable " + variable.path("name").asText() + ": datasource uid is not " + DATASOURCE);
                }
            }
            if (!datasourceVariable) {
                problems.add("no datasource variable of type datasource for Prometheus (templating.list)");
            }
            List<JsonNode> panels = panels(dashboard);
            if (panels.stream().noneMatch(p -> p.has("targets"))) {
                problems.add("no panel with targets");
            }
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : panels) {
                String name = "panel '" + panel.path("title").asText() + "'";
                if (panel.path("title").asText().isBlank() || panel.path("type").asText().isBlank()) {
                    problems.add(name + ": no title or type");
                }
                if (!panel.path("id").isInt() || !ids.add(panel.path("id").asInt())) {
                    problems.add(name + ": id missing or not unique");
                }
                JsonNode grid = panel.path("gridPos");
                if (!(grid.path("x").isInt() && grid.path("y").isInt() && grid.path("w").isInt() && grid.path("h").isInt())
                        || grid.path("x").asInt() + grid.path("w").asInt() > 24) {
                    problems.add(name + ": gridPos needs x, y, w, h within 24 columns");
                }
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                if (panel.path("description").asText().isBlank()) {
                    problems.add(name + ": no description");
                }
                if (!panel.at("/datasource/type").asText().equals("prometheus") || !panel.at("/datasource/uid").asText().equals(DATASOURCE)) {
                    problems.add(name + ": datasource uid is " + panel.at("/datasource/uid").asText() + ", not " + DATASOURCE);
                }
                if (panel.path("targets").isEmpty()) {
                    problems.add(name + ": no targets");
                }
                Set<String> refIds = new HashSet<>();
                for (JsonNode target : panel.path("targets")) {
                    String where = name + " target " + target.path("refId").asText();
                    if (!refIds.add(target.path("refId").asText("")) || target.path("refId").asText().isBlank()) {
                        problems.add(where + ": refId missing or not unique");
                    }
                    if (target.has("datasource") && !target.at("/datasource/uid").asText().equals(DATASOURCE)) {
                        problems.add(where + ": datasource uid is not " + DATASOURCE);
                    }
                    String expr = target.path("expr").asText();
                    if (expr.isBlank()) {
                        problems.add(where + ": no expr");
                    } else if (expr.chars().filter(c -> c == '(').count() != expr.chars().filter(c -> c == ')').count()) {
                        problems.add(where + ": unbalanced parentheses");
                    }
                    Matcher variable = VARIABLE.matcher(expr);
                    while (variable.find()) {
                        String used = variable.group(1) != null ? variable.group(1) : variable.group(2);
                        if (!variables.contains(used) && !BUILT_IN_VARIABLES.contains(used)) {
                            problems.add(where + ": unknown variable $" + used);
                        }
                    }
                }
            }
            return problems;
        }
    }
}
