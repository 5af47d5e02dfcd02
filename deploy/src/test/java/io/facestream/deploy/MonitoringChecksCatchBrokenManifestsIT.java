package io.facestream.deploy;

import static io.facestream.deploy.LockdownChecksCatchBrokenManifestsIT.copy;
import static io.facestream.deploy.LockdownChecksCatchBrokenManifestsIT.find;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each monitoring check fails on a deliberately broken copy of a variant, so none of them passes vacuously. */
class MonitoringChecksCatchBrokenManifestsIT {
    static final String DASHBOARD = "facestream-grafana-dashboard";

    @Test
    void aMissingOrMislabelledDashboardConfigMapIsCaught() {
        for (Variant variant : List.of(OperatorManifestsIT.variant(), StatefulSetManifestsIT.variant())) {
            List<JsonNode> objects = copy(variant);
            objects.remove(find(objects, "ConfigMap", DASHBOARD));
            assertThat(Monitoring.dashboardProvisioned(objects))
                    .containsExactly("no ConfigMap labelled grafana_dashboard: \"1\": Grafana's dashboard sidecar would load no dashboard");
        }
        List<JsonNode> objects = copy(OperatorManifestsIT.variant());
        ((ObjectNode) find(objects, "ConfigMap", DASHBOARD).at("/metadata/labels")).put(Monitoring.DASHBOARD_LABEL, 1);
        assertThat(Monitoring.dashboardProvisioned(objects)).containsExactly(
                "ConfigMap " + DASHBOARD + ": label grafana_dashboard is 1, not \"1\" (the value Grafana's sidecar looks for)",
                "no ConfigMap labelled grafana_dashboard: \"1\": Grafana's dashboard sidecar would load no dashboard");
    }

    @Test
    void aDashboardThatIsNotJsonNotADashboardOrTooBigForKubectlApplyIsCaught() {
        List<JsonNode> objects = copy(StatefulSetManifestsIT.variant());
        ObjectNode data = (ObjectNode) find(objects, "ConfigMap", DASHBOARD).path("data");
        String dashboard = data.path("facestream.json").asText();
        data.put("facestream.json", dashboard.substring(0, dashboard.length() / 2));
        data.put("empty.json", "{\"title\": \"facestream\"}");
        data.put("huge.json", dashboard.replace("\"panels\"", "\"padding\": \"" + "x".repeat(Monitoring.MAX_DASHBOARD_BYTES) + "\", \"panels\""));
        assertThat(Monitoring.dashboardProvisioned(objects)).hasSize(3).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).startsWith("ConfigMap " + DASHBOARD + ": facestream.json is not JSON: "),
                p -> assertThat(p).isEqualTo("ConfigMap " + DASHBOARD + ": empty.json is not a Grafana dashboard (no uid or no panels)"),
                p -> assertThat(p).startsWith("ConfigMap " + DASHBOARD + ": huge.json is ")
                        .endsWith(" bytes, over the 262144 that kubectl apply keeps in its last-applied annotation"));
        data.removeAll();
        assertThat(Monitoring.dashboardProvisioned(objects))
                .containsExactly("ConfigMap " + DASHBOARD + ": no *.json key, so no dashboard for the sidecar to load");
    }

    @Test
    void anUnboundedRestartStrategyOrNoAlertOnRestartsIsCaught() {
        for (Variant variant : List.of(OperatorManifestsIT.variant(), StatefulSetManifestsIT.variant())) {
            assertThat(Monitoring.restartsBoundedAndAlerted(variant)).isEmpty();
            List<JsonNode> objects = copy(variant);
            objects.remove(find(objects, "PrometheusRule", "facestream"));
            assertThat(Monitoring.restartsBoundedAndAlerted(Variant.of(objects))).containsExactly(
                    "no PrometheusRule alerts on flink_jobmanager_job_numRestarts: a job restarting in a loop goes unnoticed");
        }
        List<JsonNode> objects = copy(OperatorManifestsIT.variant());
        ObjectNode flink = (ObjectNode) Manifests.single(objects, "FlinkDeployment").at("/spec/flinkConfiguration");
        flink.remove("restart-strategy.exponential-delay.attempts-before-reset-backoff");
        assertThat(Monitoring.restartsBoundedAndAlerted(Variant.of(objects))).containsExactly(
                "restart-strategy.exponential-delay.attempts-before-reset-backoff is '': the exponential-delay strategy"
                        + " restarts for ever unless given a number of attempts");
        flink.remove("restart-strategy.type");
        assertThat(Monitoring.restartsBoundedAndAlerted(Variant.of(objects))).containsExactly(
                "restart-strategy.type is '': with checkpoints, Flink's default restarts for ever; set a bounded strategy");
    }

    @Test
    void aPodMonitorThatMissesARoleOrNamesAnotherPortIsCaught() {
        List<JsonNode> operator = copy(OperatorManifestsIT.variant());
        ((ObjectNode) find(operator, "PodMonitor", "facestream").at("/spec/selector/matchLabels")).put("component", "jobmanager");
        assertThat(Monitoring.podMonitorScrapesTheJob(Variant.of(operator))).containsExactly(
                "no PodMonitor selects the taskmanager pods (labels {app=facestream, component=taskmanager, type=flink-native-kubernetes})");

        List<JsonNode> standalone = copy(StatefulSetManifestsIT.variant());
        ObjectNode monitor = find(standalone, "PodMonitor", "facestream");
        ((ObjectNode) monitor.at("/spec/podMetricsEndpoints/0")).put("port", "prometheus");
        assertThat(Monitoring.podMonitorScrapesTheJob(Variant.of(standalone))).containsExactly(
                "PodMonitor facestream selects the jobmanager pods but no podMetricsEndpoints port names their container jobmanager's port 9249 (named [metrics])",
                "PodMonitor facestream selects the taskmanager pods but no podMetricsEndpoints port names their container taskmanager's port 9249 (named [metrics])");
        ((ObjectNode) monitor.at("/spec/podMetricsEndpoints/0")).put("port", "metrics");
        ((ArrayNode) monitor.at("/spec/selector/matchExpressions/0/values")).removeAll().add("taskmanager");
        ((ObjectNode) monitor.path("spec")).putObject("namespaceSelector").putArray("matchNames").add("monitoring");
        assertThat(Monitoring.podMonitorScrapesTheJob(Variant.of(standalone))).containsExactly(
                "no PodMonitor selects the jobmanager pods (labels {app=facestream, component=jobmanager})",
                "no PodMonitor selects the taskmanager pods (labels {app=facestream, component=taskmanager})");

        standalone.remove(monitor);
        assertThat(Monitoring.podMonitorScrapesTheJob(Variant.of(standalone)))
                .containsExactly("no PodMonitor: Prometheus scrapes neither the JobManager nor the TaskManagers");
    }

    @Test
    void aReporterThatIsOffOrOnAPortRangeIsCaught() {
        List<JsonNode> operator = copy(OperatorManifestsIT.variant());
        ObjectNode configuration = (ObjectNode) find(operator, "FlinkDeployment", "facestream").at("/spec/flinkConfiguration");
        configuration.remove(Monitoring.REPORTER_FACTORY_KEY);
        configuration.put(Monitoring.REPORTER_PORT_KEY, "9249-9250");
        assertThat(Monitoring.podMonitorScrapesTheJob(Variant.of(operator))).containsExactly(
                "metrics.reporter.prom.factory.class is null, not org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                "metrics.reporter.prom.port is '9249-9250', not one port a PodMonitor can name");
        configuration.put(Monitoring.REPORTER_FACTORY_KEY, Monitoring.REPORTER_FACTORY);
        configuration.put(Monitoring.REPORTER_PORT_KEY, "9250");
        assertThat(Monitoring.podMonitorScrapesTheJob(Variant.of(operator))).hasSize(2)
                .allSatisfy(p -> assertThat(p).contains("no podMetricsEndpoints port names their container flink-main-container's port 9250 (named [])"));
    }

    @Test
    void noNetworkPolicyLettingPrometheusInIsCaught() {
        for (Variant variant : List.of(OperatorManifestsIT.variant(), StatefulSetManifestsIT.variant())) {
            List<JsonNode> objects = copy(variant);
            objects.remove(find(objects, "NetworkPolicy", "facestream-metrics"));
            assertThat(Monitoring.prometheusMayScrape(Variant.of(objects))).containsExactly(
                    "no NetworkPolicy lets Prometheus (a named namespace, e.g. monitoring) reach port 9249 of the jobmanager pods: with default-deny nothing is scraped",
                    "no NetworkPolicy lets Prometheus (a named namespace, e.g. monitoring) reach port 9249 of the taskmanager pods: with default-deny nothing is scraped");
        }
        List<JsonNode> objects = copy(StatefulSetManifestsIT.variant());
        ((ObjectNode) find(objects, "NetworkPolicy", "facestream-metrics").at("/spec/podSelector/matchLabels")).put("component", "jobmanager");
        assertThat(Monitoring.prometheusMayScrape(Variant.of(objects))).containsExactly(
                "no NetworkPolicy lets Prometheus (a named namespace, e.g. monitoring) reach port 9249 of the taskmanager pods: with default-deny nothing is scraped");
    }
}
