package io.facestream.deploy;

import static io.facestream.deploy.Manifests.ofKind;
import static io.facestream.deploy.Manifests.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
        assertThat(single(objects, "ConfigMap").at("/data/facestream.conf").asText()).contains("inference.device: cuda");
    }

    @Test
    void theCpuOverlayRendersWithoutAnyGpu() {
        List<JsonNode> objects = Manifests.kustomize(Manifests.deployDir().resolve("operator/cpu"));
        JsonNode deployment = single(objects, "FlinkDeployment");
        assertThat(FlinkDeploymentValidator.problems(deployment)).isEmpty();
        assertThat(DeploymentInvariants.gpuOnlyOnTaskManagers(deployment, false)).isEmpty();
        strict(objects);
        assertThat(single(objects, "ConfigMap").at("/data/facestream.conf").asText()).contains("inference.device: cpu");
    }

    @Test
    void theStatefulSetVariantRendersAndValidates() {
        List<JsonNode> objects = Manifests.kustomize(Manifests.deployDir().resolve("statefulset"));
        assertThat(objects).extracting(o -> o.get("kind").asText()).contains("StatefulSet", "HorizontalPodAutoscaler");
        strict(objects);
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
