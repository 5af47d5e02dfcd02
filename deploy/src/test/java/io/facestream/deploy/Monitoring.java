package io.facestream.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watching the job: Flink's Prometheus reporter on a fixed port, a PodMonitor that has Prometheus scrape it on the
 * JobManager and every TaskManager, a NetworkPolicy that lets Prometheus in on that port, and the Grafana dashboard
 * as a ConfigMap that Grafana's dashboard sidecar loads (label grafana_dashboard: "1").
 */
final class Monitoring {
    static final String REPORTER_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    static final String REPORTER_FACTORY_KEY = "metrics.reporter.prom.factory.class";
    static final String REPORTER_PORT_KEY = "metrics.reporter.prom.port";
    static final String DASHBOARD_LABEL = "grafana_dashboard";
    /** kubectl apply (client side) keeps the whole object in its last-applied-configuration annotation: 256 KiB at most. */
    static final int MAX_DASHBOARD_BYTES = 262_144;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Monitoring() {
    }

    /** Every monitoring rule on a variant. */
    static List<String> all(Variant variant) {
        List<String> problems = new ArrayList<>(dashboardProvisioned(variant.objects()));
        problems.addAll(podMonitorScrapesTheJob(variant));
        problems.addAll(prometheusMayScrape(variant));
        problems.addAll(restartsBoundedAndAlerted(variant));
        return problems;
    }

    static final String RESTARTS_METRIC = "flink_jobmanager_job_numRestarts";

    /**
     * A restart strategy that gives up (a failure that comes back at every attempt must end, not loop for ever), and an
     * alert rule on the job's restarts so a person hears of it long before.
     */
    static List<String> restartsBoundedAndAlerted(Variant variant) {
        List<String> problems = new ArrayList<>();
        Map<String, String> flink = variant.flinkConfiguration();
        String type = flink.getOrDefault("restart-strategy.type", "");
        switch (type) {
            case "exponential-delay", "exponentialdelay", "exponential-delay-restart-strategy" -> {
                String attempts = flink.getOrDefault("restart-strategy.exponential-delay.attempts-before-reset-backoff", "");
                if (!attempts.matches("[1-9][0-9]{0,3}")) {
                    problems.add("restart-strategy.exponential-delay.attempts-before-reset-backoff is '" + attempts
                            + "': the exponential-delay strategy restarts for ever unless given a number of attempts");
                }
            }
            case "fixed-delay", "fixeddelay", "fixed-delay-restart-strategy" -> {
                String attempts = flink.getOrDefault("restart-strategy.fixed-delay.attempts", "");
                if (!attempts.matches("[1-9][0-9]{0,3}")) {
                    problems.add("restart-strategy.fixed-delay.attempts is '" + attempts + "', not a bounded number of attempts");
                }
            }
            case "failure-rate", "failurerate", "failure-rate-restart-strategy", "none", "off", "disable" -> {
            }
            default -> problems.add("restart-strategy.type is '" + type + "': with checkpoints, Flink's default restarts"
                    + " for ever; set a bounded strategy");
        }
        boolean alerted = false;
        for (JsonNode rule : Manifests.ofKind(variant.objects(), "PrometheusRule")) {
            for (JsonNode group : rule.at("/spec/groups")) {
                for (JsonNode alert : group.path("rules")) {
                    alerted |= alert.has("alert") && alert.path("expr").asText().contains(RESTARTS_METRIC);
                }
            }
        }
        if (!alerted) {
            problems.add("no PrometheusRule alerts on " + RESTARTS_METRIC + ": a job restarting in a loop goes unnoticed");
        }
        return problems;
    }

    /** A ConfigMap labelled grafana_dashboard: "1" holding Grafana dashboard JSON small enough for kubectl apply. */
    static List<String> dashboardProvisioned(List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> dashboards = new ArrayList<>();
        for (JsonNode configMap : Manifests.ofKind(objects, "ConfigMap")) {
            JsonNode label = configMap.at("/metadata/labels").path(DASHBOARD_LABEL);
            if (label.isMissingNode()) {
                continue;
            }
            String name = "ConfigMap " + configMap.at("/metadata/name").asText();
            if (!label.isTextual() || !label.asText().equals("1")) {
                problems.add(name + ": label " + DASHBOARD_LABEL + " is " + label + ", not \"1\" (the value Grafana's sidecar looks for)");
                continue;
            }
            dashboards.add(configMap);
            List<String> files = new ArrayList<>();
            configMap.path("data").fieldNames().forEachRemaining(key -> {
                if (key.endsWith(".json")) {
                    files.add(key);
                }
            });
            if (files.isEmpty()) {
                problems.add(name + ": no *.json key, so no dashboard for the sidecar to load");
            }
            for (String file : files) {
                String text = configMap.path("data").path(file).asText();
                int bytes = text.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > MAX_DASHBOARD_BYTES) {
                    problems.add(name + ": " + file + " is " + bytes + " bytes, over the " + MAX_DASHBOARD_BYTES
                            + " that kubectl apply keeps in its last-applied annotation");
                }
                try {
                    JsonNode dashboard = JSON.readTree(text);
                    if (!dashboard.path("uid").isTextual() || dashboard.path("panels").isEmpty()) {
                        problems.add(name + ": " + file + " is not a Grafana dashboard (no uid or no panels)");
                    }
                } catch (JsonProcessingException e) {
                    problems.add(name + ": " + file + " is not JSON: " + e.getOriginalMessage());
                }
            }
        }
        if (dashboards.isEmpty()) {
            problems.add("no ConfigMap labelled " + DASHBOARD_LABEL + ": \"1\": Grafana's dashboard sidecar would load no dashboard");
        }
        return problems;
    }

    /** The reporter on one fixed port, and for each role a PodMonitor that selects its pods and scrapes that port by name. */
    static List<String> podMonitorScrapesTheJob(Variant variant) {
        List<String> problems = new ArrayList<>();
        if (!REPORTER_FACTORY.equals(variant.flinkConfiguration().get(REPORTER_FACTORY_KEY))) {
            problems.add(REPORTER_FACTORY_KEY + " is " + variant.flinkConfiguration().get(REPORTER_FACTORY_KEY) + ", not " + REPORTER_FACTORY);
        }
        String portValue = variant.flinkConfiguration().getOrDefault(REPORTER_PORT_KEY, "");
        if (!portValue.matches("[0-9]+")) {
            problems.add(REPORTER_PORT_KEY + " is '" + portValue + "', not one port a PodMonitor can name");
            return problems;
        }
        int port = Integer.parseInt(portValue);
        List<JsonNode> monitors = Manifests.ofKind(variant.objects(), "PodMonitor");
        if (monitors.isEmpty()) {
            problems.add("no PodMonitor: Prometheus scrapes neither the JobManager nor the TaskManagers");
            return problems;
        }
        Map<String, Map<String, String>> labels = podLabels(variant);
        for (Variant.Pod pod : variant.pods()) {
            List<String> portNames = new ArrayList<>();
            for (JsonNode containerPort : Variant.container(pod.spec(), pod.container()).path("ports")) {
                if (containerPort.path("containerPort").asInt() == port && containerPort.has("name")) {
                    portNames.add(containerPort.path("name").asText());
                }
            }
            List<JsonNode> selecting = monitors.stream().filter(monitor -> inNamespace(monitor, variant.namespace())
                    && selects(monitor.at("/spec/selector"), labels.get(pod.role()))).toList();
            if (selecting.isEmpty()) {
                problems.add("no PodMonitor selects the " + pod.role() + " pods (labels " + labels.get(pod.role()) + ")");
                continue;
            }
            boolean scraped = false;
            for (JsonNode monitor : selecting) {
                for (JsonNode endpoint : monitor.at("/spec/podMetricsEndpoints")) {
                    scraped |= portNames.contains(endpoint.path("port").asText())
                            && endpoint.path("path").asText("/metrics").equals("/metrics");
                }
            }
            if (!scraped) {
                problems.add("PodMonitor " + selecting.get(0).at("/metadata/name").asText() + " selects the " + pod.role()
                        + " pods but no podMetricsEndpoints port names their container " + pod.container() + "'s port " + port
                        + " (named " + portNames + ")");
            }
        }
        return problems;
    }

    /** For each role, a NetworkPolicy that selects its pods and admits the reporter port from a named namespace. */
    static List<String> prometheusMayScrape(Variant variant) {
        List<String> problems = new ArrayList<>();
        String port = variant.flinkConfiguration().getOrDefault(REPORTER_PORT_KEY, String.valueOf(NetworkPolicies.METRICS));
        Map<String, Map<String, String>> labels = podLabels(variant);
        for (Variant.Pod pod : variant.pods()) {
            boolean admitted = false;
            for (JsonNode policy : Manifests.ofKind(variant.objects(), "NetworkPolicy")) {
                if (!selects(policy.at("/spec/podSelector"), labels.get(pod.role()))) {
                    continue;
                }
                for (JsonNode rule : policy.at("/spec/ingress")) {
                    boolean onPort = false;
                    for (JsonNode rulePort : rule.path("ports")) {
                        onPort |= rulePort.path("port").asText().equals(port);
                    }
                    for (JsonNode peer : rule.path("from")) {
                        admitted |= onPort && NetworkPolicies.namedNamespace(peer) != null;
                    }
                }
            }
            if (!admitted) {
                problems.add("no NetworkPolicy lets Prometheus (a named namespace, e.g. monitoring) reach port " + port + " of the "
                        + pod.role() + " pods: with default-deny nothing is scraped");
            }
        }
        return problems;
    }

    /** The labels of the job's pods by role: Flink's own in native mode (app, component, type) plus the pod templates'. */
    static Map<String, Map<String, String>> podLabels(Variant variant) {
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        List<JsonNode> deployments = Manifests.ofKind(variant.objects(), "FlinkDeployment");
        for (Variant.Pod pod : variant.pods()) {
            Map<String, String> podLabels = new LinkedHashMap<>();
            if (!deployments.isEmpty()) {
                JsonNode spec = deployments.get(0).path("spec");
                addAll(podLabels, spec.at("/podTemplate/metadata/labels"));
                addAll(podLabels, spec.at("/" + (pod.role().equals("jobmanager") ? "jobManager" : "taskManager") + "/podTemplate/metadata/labels"));
                podLabels.put("app", deployments.get(0).at("/metadata/name").asText());
                podLabels.put("component", pod.role());
                if (spec.path("mode").asText("native").equals("native")) {
                    podLabels.put("type", "flink-native-kubernetes");
                }
            } else {
                JsonNode workload = Manifests.single(variant.objects(), pod.role().equals("jobmanager") ? "Deployment" : "StatefulSet");
                addAll(podLabels, workload.at("/spec/template/metadata/labels"));
            }
            labels.put(pod.role(), podLabels);
        }
        return labels;
    }

    /** Whether a label selector (matchLabels, matchExpressions) selects {@code labels}; an empty selector selects all. */
    static boolean selects(JsonNode selector, Map<String, String> labels) {
        for (var it = selector.path("matchLabels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String value = labels.get(expression.path("key").asText());
            List<String> values = new ArrayList<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            boolean matches = switch (expression.path("operator").asText()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!matches) {
                return false;
            }
        }
        return true;
    }

    /** A PodMonitor without namespaceSelector looks in its own namespace (the variant's: kustomize sets it). */
    private static boolean inNamespace(JsonNode monitor, String namespace) {
        JsonNode selector = monitor.at("/spec/namespaceSelector");
        if (selector.isMissingNode() || selector.isEmpty()) {
            return true;
        }
        if (selector.path("any").asBoolean()) {
            return true;
        }
        for (JsonNode name : selector.path("matchNames")) {
            if (name.asText().equals(namespace)) {
                return true;
            }
        }
        return false;
    }

    private static void addAll(Map<String, String> into, JsonNode labels) {
        labels.fields().forEachRemaining(entry -> into.put(entry.getKey(), entry.getValue().asText()));
    }
}
