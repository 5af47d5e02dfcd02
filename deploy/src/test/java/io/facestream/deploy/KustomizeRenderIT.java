package io.facestream.deploy;

import static io.facestream.deploy.Manifests.ofKind;
import static io.facestream.deploy.Manifests.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl apply -k} would send: the kustomizations rendered offline by kubectl and the
 * result checked like the sources. Where kubectl is not installed these are reported as skipped
 * with that reason (the sources are still checked by the other tests).
 */
class KustomizeRenderIT {
    @BeforeAll
    static void needsKubectl() {
        Optional<String> kubectl = Manifests.kubectl();
        Assumptions.assumeTrue(kubectl.isPresent(),
                "skipped: kubectl is not installed here, so the kustomizations cannot be rendered");
        System.out.println("rendering with " + kubectl.get());
    }

    @Test
    void theGpuDeploymentRendersAndValidates() {
        List<JsonNode> objects = Manifests.kustomize(Manifests.deployDir().resolve("operator"));
        JsonNode deployment = single(objects, "FlinkDeployment");
        assertThat(deployment.at("/metadata/namespace").asText()).isEqualTo("facestream");
        assertThat(FlinkDeploymentValidator.problems(deployment)).isEmpty();
        assertThat(DeploymentInvariants.gpuOnlyOnTaskManagers(deployment, true)).isEmpty();
        assertThat(DeploymentInvariants.configurationValuesAreStrings(deployment)).isEmpty();
        assertThat(DeploymentInvariants.stateOnSharedPersistentVolume(DeploymentInvariants.flinkConfiguration(deployment),
                deployment.at("/spec/podTemplate/spec"), "flink-main-container", ofKind(objects, "PersistentVolumeClaim"))).isEmpty();
        strict(objects);
        assertThat(Variant.configMapEntry(objects, "facestream-conf", "facestream.conf")).contains("inference.device: cuda");
        Variant variant = Variant.of(objects);
        assertThat(variant.production()).isTrue();
        assertThat(ImagePinning.renderedPinned(objects)).isEmpty();
        assertThat(deployment.at("/spec/image").asText()).matches("facestream@sha256:[0-9a-f]{64}");
        assertThat(lockdown(variant, true)).isEmpty();
        assertThat(Monitoring.all(variant)).isEmpty();
        assertThat(OperatorManifestsIT.dashboardShipped(objects)).isEqualTo(dashboard());
    }

    @Test
    void theCpuOverlayRendersWithoutAnyGpu() {
        List<JsonNode> objects = Manifests.kustomize(Manifests.deployDir().resolve("operator/cpu"));
        JsonNode deployment = single(objects, "FlinkDeployment");
        assertThat(FlinkDeploymentValidator.problems(deployment)).isEmpty();
        assertThat(DeploymentInvariants.gpuOnlyOnTaskManagers(deployment, false)).isEmpty();
        strict(objects);
        assertThat(Variant.configMapEntry(objects, "facestream-conf", "facestream.conf")).contains("inference.device: cpu");
        Variant variant = Variant.of(objects);
        assertThat(variant.jobConfiguration()).containsEntry(KafkaCredentials.PROTOCOL, "SASL_SSL");
        assertThat(lockdown(variant, true)).isEmpty();
        assertThat(Monitoring.all(variant)).isEmpty();
    }

    @Test
    void thePlaintextTrialRendersWithoutCredentialVolumesAndIsNotMarkedProduction() {
        List<JsonNode> objects = Manifests.kustomize(Manifests.deployDir().resolve("operator/plaintext"));
        JsonNode deployment = single(objects, "FlinkDeployment");
        assertThat(FlinkDeploymentValidator.problems(deployment)).isEmpty();
        assertThat(DeploymentInvariants.gpuOnlyOnTaskManagers(deployment, false)).isEmpty();
        strict(objects);
        Variant variant = Variant.of(objects);
        assertThat(variant.production()).isFalse();
        assertThat(variant.jobConfiguration()).containsEntry(KafkaCredentials.PROTOCOL, "PLAINTEXT");
        assertThat(deployment.at("/spec/podTemplate").toString()).doesNotContain("kafka-client", "kafka-truststore");
        for (Variant.Pod pod : variant.pods()) {
            for (JsonNode mount : Variant.container(pod.spec(), pod.container()).path("volumeMounts")) {
                assertThat(pod.spec().path("volumes").findValuesAsText("name")).contains(mount.path("name").asText());
            }
        }
        assertThat(lockdown(variant, true)).isEmpty();
        assertThat(Monitoring.all(variant)).isEmpty();
    }

    @Test
    void theStatefulSetVariantRendersAndValidates() {
        List<JsonNode> objects = Manifests.kustomize(Manifests.deployDir().resolve("statefulset"));
        assertThat(objects).extracting(o -> o.get("kind").asText()).contains("StatefulSet", "HorizontalPodAutoscaler");
        strict(objects);
        Variant variant = Variant.of(objects);
        assertThat(variant.production()).isTrue();
        assertThat(ImagePinning.renderedPinned(objects)).isEmpty();
        assertThat(ImagePinning.imagesIn(objects)).allMatch(image -> image.matches("facestream@sha256:[0-9a-f]{64}"));
        assertThat(lockdown(variant, false)).isEmpty();
        assertThat(Monitoring.all(variant)).isEmpty();
        assertThat(OperatorManifestsIT.dashboardShipped(objects)).isEqualTo(dashboard());
    }

    private static String dashboard() {
        return DeploymentInvariants.read(Manifests.deployDir().resolve("grafana/facestream.json"));
    }

    /** Every lockdown rule on a rendered variant, what kubectl apply -k would send ({@code nativeMode}: the operator's). */
    static List<String> lockdown(Variant variant, boolean nativeMode) {
        List<String> problems = new ArrayList<>();
        problems.addAll(KafkaCredentials.noneRendered(variant.objects()));
        problems.addAll(KafkaCredentials.fromMountedSecrets(variant.jobConfiguration(), variant.pods()));
        problems.addAll(KafkaCredentials.saslSslInProduction(variant));
        problems.addAll(DeploymentInvariants.transactionalIdPrefixPerDeployment(variant.jobConfiguration(), variant.namespace(),
                variant.app()));
        problems.addAll(NetworkPolicies.lockedDown(variant.objects(), variant.app()));
        problems.addAll(RestExposure.notPublished(variant.objects()));
        problems.addAll(RestExposure.webSubmitAndCancelDisabled(variant.flinkConfiguration()));
        problems.addAll(Rbac.leastPrivilege(variant, nativeMode ? Rbac.nativeMode() : Rbac.standaloneMode()));
        List<String> writable = nativeMode ? List.of("/tmp", "/opt/flink/log") : List.of("/tmp", "/opt/flink/log", "/opt/flink/conf");
        variant.pods().forEach(pod -> problems.addAll(DeploymentInvariants.podLockedDown(pod, writable)));
        problems.addAll(ImagePinning.renderedPinned(variant.objects()));
        return problems;
    }

    private static void strict(List<JsonNode> objects) {
        for (JsonNode object : objects) {
            if (!object.get("kind").asText().equals("FlinkDeployment")) {
                assertThat(StrictModel.unknownFields(object)).as("%s %s", object.get("kind").asText(),
                        object.path("metadata").path("name").asText()).isEmpty();
            }
        }
    }
}
