package io.facestream.deploy;

import static io.facestream.deploy.Manifests.objectsIn;
import static io.facestream.deploy.Manifests.ofKind;
import static io.facestream.deploy.Manifests.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** deploy/statefulset: standalone reactive mode with TaskManagers in a StatefulSet. */
class StatefulSetManifestsIT {
    static final Path DIR = Manifests.deployDir().resolve("statefulset");

    static Map<String, String> flinkConfiguration() {
        JsonNode config = Manifests.parse(DeploymentInvariants.read(DIR.resolve("config.yaml"))).get(0);
        Map<String, String> values = new HashMap<>();
        config.fields().forEachRemaining(entry -> values.put(entry.getKey(), entry.getValue().asText()));
        return values;
    }

    /** The variant as the checks see it: its objects, the generated ConfigMaps, namespace facestream-standalone. */
    static Variant variant() {
        return Variant.sources(DIR);
    }

    @Test
    void everyObjectParsesStrictlyIntoItsModel() {
        List<JsonNode> objects = objectsIn(DIR);
        assertThat(objects).extracting(o -> o.get("kind").asText()).contains("StatefulSet", "Deployment", "Service",
                "HorizontalPodAutoscaler", "PodDisruptionBudget", "PersistentVolumeClaim", "Role", "NetworkPolicy", "PodMonitor");
        for (JsonNode object : objects) {
            assertThat(StrictModel.unknownFields(object)).as("%s %s", object.get("kind").asText(),
                    object.path("metadata").path("name").asText()).isEmpty();
        }
    }

    @Test
    void taskManagersAreAGpuStatefulSetWithAVolumeEachAndStableIdentities() {
        List<JsonNode> objects = objectsIn(DIR);
        JsonNode taskManagers = single(objects, "StatefulSet");
        JsonNode container = taskManagers.at("/spec/template/spec/containers/0");
        assertThat(container.at("/resources/limits").has(DeploymentInvariants.GPU)).isTrue();
        assertThat(DeploymentInvariants.mentionsGpu(single(objects, "Deployment"))).as("JobManager GPU").isFalse();
        assertThat(container.get("args").toString()).contains("-Dtaskmanager.resource-id=$(POD_NAME)");
        assertThat(taskManagers.at("/spec/volumeClaimTemplates/0/metadata/name").asText()).isEqualTo("tm-data");
        String headless = taskManagers.at("/spec/serviceName").asText();
        assertThat(ofKind(objects, "Service")).anySatisfy(service -> {
            assertThat(service.at("/metadata/name").asText()).isEqualTo(headless);
            assertThat(service.at("/spec/clusterIP").asText()).isEqualTo("None");
        });
        Map<String, String> conf = flinkConfiguration();
        assertThat(conf.get("process.taskmanager.working-dir")).startsWith(mountPathOf(container, "tm-data"));
        assertThat(conf.get("state.backend.local-recovery")).isEqualTo("true");
        assertThat(conf.get("scheduler-mode")).isEqualTo("reactive");
        JsonNode hpa = single(objects, "HorizontalPodAutoscaler");
        assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("StatefulSet");
        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo(taskManagers.at("/metadata/name").asText());
        assertThat(single(objects, "PodDisruptionBudget").at("/spec/selector/matchLabels/component").asText()).isEqualTo("taskmanager");
    }

    @Test
    void sharedStateLiesOnTheReadWriteManyVolumeInEveryPod() {
        List<JsonNode> objects = objectsIn(DIR);
        List<JsonNode> claims = ofKind(objects, "PersistentVolumeClaim");
        assertThat(DeploymentInvariants.stateOnSharedPersistentVolume(flinkConfiguration(),
                single(objects, "StatefulSet").at("/spec/template/spec"), "taskmanager", claims)).isEmpty();
        assertThat(DeploymentInvariants.stateOnSharedPersistentVolume(flinkConfiguration(),
                single(objects, "Deployment").at("/spec/template/spec"), "jobmanager", claims)).isEmpty();
    }

    @Test
    void theJobManagerRunsTheBuiltEntryClass() {
        JsonNode args = single(objectsIn(DIR), "Deployment").at("/spec/template/spec/containers/0/args");
        assertThat(args.get(0).asText()).isEqualTo("standalone-job");
        assertThat(args.get(2).asText()).isEqualTo("io.facestream.job.FaceStreamJob");
        assertThat(DeploymentInvariants.jarAndEntryClass("local:///opt/flink/usrlib/facestream-job.jar", args.get(2).asText(),
                Manifests.deployDir().resolve("Dockerfile"), Manifests.imageDir())).isEmpty();
    }

    @Test
    void kafkaCredentialsComeFromSecretsMountedInTheJobManagerAndTaskManagers() {
        Variant variant = variant();
        assertThat(variant.production()).isTrue();
        assertThat(KafkaCredentials.saslSslInProduction(variant)).isEmpty();
        assertThat(KafkaCredentials.fromMountedSecrets(variant.jobConfiguration(), variant.pods())).isEmpty();
    }

    @Test
    void theRestApiIsPublishedNowhereAndTheWebUiTakesNoJarsAndHasNoCancelButton() {
        assertThat(RestExposure.notPublished(objectsIn(DIR))).isEmpty();
        assertThat(RestExposure.webSubmitAndCancelDisabled(variant().flinkConfiguration())).isEmpty();
    }

    @Test
    void networkPoliciesDenyEverythingButWhatTheJobNeeds() {
        assertThat(NetworkPolicies.lockedDown(objectsIn(DIR), "facestream")).isEmpty();
    }

    @Test
    void jobManagerAndTaskManagersHaveTheirOwnAccountsWithOnlyWhatFlinkCalls() {
        assertThat(Rbac.leastPrivilege(variant(), Rbac.standaloneMode())).isEmpty();
    }

    @Test
    void jobManagerAndTaskManagerPodsAreAsLockedDownAsTheOperatorsOnes() {
        for (Variant.Pod pod : variant().pods()) {
            assertThat(DeploymentInvariants.podLockedDown(pod, List.of("/tmp", "/opt/flink/log", "/opt/flink/conf"))).isEmpty();
        }
    }

    @Test
    void prometheusScrapesJobManagerAndTaskManagersAndGrafanaGetsTheDashboard() {
        Variant variant = variant();
        assertThat(Monitoring.all(variant)).isEmpty();
        assertThat(OperatorManifestsIT.dashboardShipped(variant.objects()))
                .isEqualTo(DeploymentInvariants.read(Manifests.deployDir().resolve("grafana/facestream.json")));
    }

    @Test
    void theImageIsPinnedByDigest() {
        JsonNode kustomization = Manifests.kustomization(DIR);
        assertThat(ImagePinning.isProduction(kustomization)).isTrue();
        assertThat(ImagePinning.pinnedByDigest(kustomization, ImagePinning.imagesIn(objectsIn(DIR)))).isEmpty();
    }

    @Test
    void theTransactionalIdPrefixIsThisDeploymentsOwn() {
        Variant variant = variant();
        assertThat(variant.namespace()).isEqualTo("facestream-standalone");
        assertThat(DeploymentInvariants.transactionalIdPrefixPerDeployment(variant.jobConfiguration(), variant.namespace(),
                variant.app())).isEmpty();
    }

    private static String mountPathOf(JsonNode container, String volume) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("name").asText().equals(volume)) {
                return mount.path("mountPath").asText();
            }
        }
        throw new AssertionError("no mount of " + volume);
    }
}
