package io.facestream.deploy;

import static io.facestream.deploy.Manifests.objectsIn;
import static io.facestream.deploy.Manifests.ofKind;
import static io.facestream.deploy.Manifests.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** deploy/operator: the FlinkDeployment and everything around it, as written. */
class OperatorManifestsIT {
    static final Path BASE = Manifests.deployDir().resolve("operator/base");

    static JsonNode deployment() {
        return single(objectsIn(BASE), "FlinkDeployment");
    }

    /** The base as the checks see it: its objects, the generated facestream-conf, namespace facestream. */
    static Variant variant() {
        return Variant.sources(BASE);
    }

    @Test
    void theFlinkDeploymentPassesTheStrictCrdSchemaAndTheOperatorsRules() {
        assertThat(FlinkDeploymentValidator.problems(deployment())).isEmpty();
    }

    @Test
    void everyOtherObjectParsesStrictlyIntoItsModel() {
        List<JsonNode> others = objectsIn(BASE).stream().filter(o -> !o.get("kind").asText().equals("FlinkDeployment")).toList();
        assertThat(others).extracting(o -> o.get("kind").asText())
                .contains("Namespace", "PersistentVolumeClaim", "ServiceAccount", "Role", "RoleBinding", "PodMonitor", "NetworkPolicy");
        for (JsonNode object : others) {
            assertThat(StrictModel.unknownFields(object)).as("%s %s", object.get("kind").asText(),
                    object.path("metadata").path("name").asText()).isEmpty();
        }
    }

    @Test
    void gpusAreAskedForByTaskManagersOnly() {
        assertThat(DeploymentInvariants.gpuOnlyOnTaskManagers(deployment(), true)).isEmpty();
    }

    @Test
    void flinkConfigurationValuesAreStrings() {
        assertThat(DeploymentInvariants.configurationValuesAreStrings(deployment())).isEmpty();
    }

    @Test
    void checkpointsSavepointsAndHaDataLieOnTheSharedPersistentVolume() {
        JsonNode deployment = deployment();
        assertThat(DeploymentInvariants.stateOnSharedPersistentVolume(DeploymentInvariants.flinkConfiguration(deployment),
                deployment.at("/spec/podTemplate/spec"), "flink-main-container",
                ofKind(objectsIn(BASE), "PersistentVolumeClaim"))).isEmpty();
    }

    @Test
    void theEntryClassAndJarPathExistInTheBuiltImageLayout() {
        JsonNode job = deployment().at("/spec/job");
        assertThat(DeploymentInvariants.jarAndEntryClass(job.get("jarURI").asText(), job.get("entryClass").asText(),
                Manifests.deployDir().resolve("Dockerfile"), Manifests.imageDir())).isEmpty();
    }

    @Test
    void theDeployableJarHoldsTheJobAndNoTooling() {
        assertThat(DeploymentInvariants.noToolingIn(Manifests.imageDir().resolve("usrlib/facestream-job.jar"))).isEmpty();
    }

    @Test
    void theImagesFlinkVersionIsTheProjects() {
        assertThat(DeploymentInvariants.flinkVersionsAgree(Manifests.deployDir().resolve("Dockerfile"),
                System.getProperty("facestream.flink.version"), deployment().at("/spec/flinkVersion").asText())).isEmpty();
    }

    @Test
    void thePodTemplateIsLockedDown() {
        JsonNode pod = deployment().at("/spec/podTemplate/spec");
        assertThat(pod.at("/securityContext/fsGroup").asInt()).isEqualTo(9999);
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        JsonNode container = pod.at("/containers/0");
        assertThat(container.get("name").asText()).isEqualTo("flink-main-container");
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(container.at("/securityContext/capabilities/drop").toString()).contains("ALL");
        assertThat(container.at("/ports/0/name").asText()).isEqualTo("metrics");
    }

    @Test
    void kafkaCredentialsComeFromSecretsMountedInTheJobManagerAndTaskManagers() {
        Variant variant = variant();
        assertThat(variant.jobConfiguration()).containsEntry(KafkaCredentials.PROTOCOL, "SASL_SSL");
        assertThat(KafkaCredentials.fromMountedSecrets(variant.jobConfiguration(), variant.pods())).isEmpty();
        assertThat(variant.pods().get(0).spec().path("volumes").findValuesAsText("secretName"))
                .containsExactlyInAnyOrder("facestream-kafka-client", "facestream-kafka-truststore");
        for (String overlay : List.of("cpu", "plaintext")) {
            String conf = DeploymentInvariants.read(Manifests.deployDir().resolve("operator/" + overlay + "/facestream.conf"));
            assertThat(KafkaCredentials.fromMountedSecrets(Variant.properties(conf), variant.pods())).as(overlay).isEmpty();
        }
    }

    @Test
    void theRestApiIsPublishedNowhereAndTheWebUiTakesNoJarsAndHasNoCancelButton() {
        assertThat(RestExposure.notPublished(objectsIn(BASE))).isEmpty();
        assertThat(RestExposure.webSubmitAndCancelDisabled(variant().flinkConfiguration())).isEmpty();
    }

    @Test
    void networkPoliciesDenyEverythingButWhatTheJobNeeds() {
        assertThat(NetworkPolicies.lockedDown(objectsIn(BASE), "facestream")).isEmpty();
    }

    @Test
    void jobManagerAndTaskManagersHaveTheirOwnAccountsWithOnlyWhatFlinkCalls() {
        assertThat(Rbac.leastPrivilege(variant(), Rbac.nativeMode())).isEmpty();
    }

    @Test
    void jobManagerAndTaskManagerPodsAreLockedDown() {
        for (Variant.Pod pod : variant().pods()) {
            assertThat(DeploymentInvariants.podLockedDown(pod, List.of("/tmp", "/opt/flink/log"))).isEmpty();
        }
    }

    @Test
    void prometheusScrapesJobManagerAndTaskManagersAndGrafanaGetsTheDashboard() {
        Variant variant = variant();
        assertThat(Monitoring.all(variant)).isEmpty();
        assertThat(Monitoring.podLabels(variant).get("taskmanager"))
                .containsEntry("app", "facestream").containsEntry("type", "flink-native-kubernetes");
        assertThat(dashboardShipped(variant.objects())).isEqualTo(DeploymentInvariants.read(Manifests.deployDir().resolve("grafana/facestream.json")));
    }

    /** The dashboard JSON in the variant's ConfigMap labelled grafana_dashboard: "1". */
    static String dashboardShipped(List<JsonNode> objects) {
        return ofKind(objects, "ConfigMap").stream()
                .filter(configMap -> configMap.at("/metadata/labels/" + Monitoring.DASHBOARD_LABEL).asText().equals("1"))
                .map(configMap -> configMap.at("/data/facestream.json").asText()).findFirst().orElseThrow();
    }

    @Test
    void theProductionKustomizationPinsTheImageByDigest() {
        JsonNode production = Manifests.kustomization(Manifests.deployDir().resolve("operator"));
        assertThat(ImagePinning.isProduction(production)).isTrue();
        assertThat(ImagePinning.pinnedByDigest(production, ImagePinning.imagesIn(objectsIn(BASE)))).isEmpty();
    }

    @Test
    void theTransactionalIdPrefixIsThisDeploymentsOwnInEveryVariant() {
        Variant variant = variant();
        assertThat(DeploymentInvariants.transactionalIdPrefixPerDeployment(variant.jobConfiguration(), variant.namespace(),
                variant.app())).isEmpty();
        for (String overlay : List.of("cpu", "plaintext")) {
            String conf = DeploymentInvariants.read(Manifests.deployDir().resolve("operator/" + overlay + "/facestream.conf"));
            assertThat(DeploymentInvariants.transactionalIdPrefixPerDeployment(Variant.properties(conf), "facestream", "facestream"))
                    .as(overlay).isEmpty();
        }
    }
}
