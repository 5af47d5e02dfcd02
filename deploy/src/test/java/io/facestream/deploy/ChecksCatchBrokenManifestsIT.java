package io.facestream.deploy;

import static io.facestream.deploy.Manifests.objectsIn;
import static io.facestream.deploy.Manifests.ofKind;
import static io.facestream.deploy.Manifests.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each check fails on a deliberately broken copy of a manifest, so none of them passes vacuously. */
class ChecksCatchBrokenManifestsIT {
    static ObjectNode deployment() {
        return (ObjectNode) OperatorManifestsIT.deployment().deepCopy();
    }

    @Test
    void aMisspelledFieldFailsTheStrictSchema() {
        ObjectNode broken = deployment();
        ObjectNode spec = (ObjectNode) broken.get("spec");
        spec.set("taskManger", spec.remove("taskManager"));
        assertThat(FlinkDeploymentValidator.problems(broken)).anySatisfy(p -> assertThat(p).contains("taskManger"));
        ObjectNode job = deployment();
        ((ObjectNode) job.at("/spec/job")).put("upgradeMod", "last-state");
        assertThat(FlinkDeploymentValidator.problems(job)).anySatisfy(p -> assertThat(p).contains("upgradeMod"));
    }

    @Test
    void aNumberInFlinkConfigurationFailsTheSchemaAndTheStringCheck() {
        ObjectNode broken = deployment();
        ((ObjectNode) broken.at("/spec/flinkConfiguration")).put("taskmanager.numberOfTaskSlots", 1);
        assertThat(FlinkDeploymentValidator.problems(broken)).anySatisfy(p -> assertThat(p).contains("numberOfTaskSlots"));
        assertThat(DeploymentInvariants.configurationValuesAreStrings(broken)).singleElement()
                .satisfies(p -> assertThat(p).contains("taskmanager.numberOfTaskSlots is NUMBER"));
    }

    @Test
    void anUnknownEnumValueFailsTheSchema() {
        ObjectNode broken = deployment();
        ((ObjectNode) broken.get("spec")).put("flinkVersion", "v1_21");
        assertThat(FlinkDeploymentValidator.problems(broken)).anySatisfy(p -> assertThat(p).contains("flinkVersion"));
    }

    @Test
    void aMisspelledPodTemplateFieldIsCaught() {
        ObjectNode broken = deployment();
        ((ObjectNode) broken.at("/spec/podTemplate/spec/containers/0")).put("imagePullPolicyy", "Always");
        assertThat(FlinkDeploymentValidator.problems(broken)).anySatisfy(p -> assertThat(p).contains("imagePullPolicyy"));
    }

    @Test
    void theOperatorsOwnRulesAreChecked() {
        ObjectNode badName = deployment();
        ((ObjectNode) badName.get("metadata")).put("name", "FaceStream");
        assertThat(FlinkDeploymentValidator.problems(badName)).anySatisfy(p -> assertThat(p).contains("metadata.name"));
        ObjectNode noCheckpoints = deployment();
        ((ObjectNode) noCheckpoints.at("/spec/flinkConfiguration")).remove("state.checkpoints.dir");
        assertThat(FlinkDeploymentValidator.problems(noCheckpoints))
                .anySatisfy(p -> assertThat(p).contains("last-state needs state.checkpoints.dir"));
        ObjectNode clusterId = deployment();
        ((ObjectNode) clusterId.at("/spec/flinkConfiguration")).put("kubernetes.cluster-id", "x");
        assertThat(FlinkDeploymentValidator.problems(clusterId)).anySatisfy(p -> assertThat(p).contains("kubernetes.cluster-id"));
    }

    @Test
    void aGpuOnTheJobManagerOrMissingOnTheTaskManagerIsCaught() {
        ObjectNode jobManagerGpu = deployment();
        ObjectNode limits = ((ObjectNode) jobManagerGpu.at("/spec/podTemplate/spec/containers/0")).putObject("resources")
                .putObject("limits");
        limits.put(DeploymentInvariants.GPU, 1);
        assertThat(DeploymentInvariants.gpuOnlyOnTaskManagers(jobManagerGpu, true))
                .anySatisfy(p -> assertThat(p).contains("merged into the JobManager"));
        ObjectNode noGpu = deployment();
        ((ObjectNode) noGpu.at("/spec/taskManager")).remove("podTemplate");
        assertThat(DeploymentInvariants.gpuOnlyOnTaskManagers(noGpu, true)).anySatisfy(p -> assertThat(p).contains("no nvidia.com/gpu"));
        assertThat(DeploymentInvariants.gpuOnlyOnTaskManagers(deployment(), false)).anySatisfy(p -> assertThat(p).contains("CPU variant"));
    }

    @Test
    void stateOffTheVolumeOrOnAReadWriteOnceClaimIsCaught() {
        ObjectNode outside = deployment();
        ((ObjectNode) outside.at("/spec/flinkConfiguration")).put("state.checkpoints.dir", "file:///tmp/checkpoints");
        List<JsonNode> claims = ofKind(objectsIn(OperatorManifestsIT.BASE), "PersistentVolumeClaim");
        assertThat(DeploymentInvariants.stateOnSharedPersistentVolume(DeploymentInvariants.flinkConfiguration(outside),
                outside.at("/spec/podTemplate/spec"), "flink-main-container", claims))
                .singleElement().satisfies(p -> assertThat(p).contains("state.checkpoints.dir=file:///tmp/checkpoints is not under"));

        ObjectNode readWriteOnce = (ObjectNode) claims.get(0).deepCopy();
        ((ArrayNode) readWriteOnce.at("/spec/accessModes")).removeAll().add("ReadWriteOnce");
        ObjectNode deployment = deployment();
        assertThat(DeploymentInvariants.stateOnSharedPersistentVolume(DeploymentInvariants.flinkConfiguration(deployment),
                deployment.at("/spec/podTemplate/spec"), "flink-main-container", List.of(readWriteOnce)))
                .hasSize(3).allSatisfy(p -> assertThat(p).contains("is not ReadWriteMany"));
    }

    @Test
    void anUnknownFieldInAPlainObjectIsCaught() {
        JsonNode statefulSet = single(objectsIn(Manifests.deployDir().resolve("statefulset")), "StatefulSet").deepCopy();
        ((ObjectNode) statefulSet.at("/spec")).put("replica", 3);
        ((ObjectNode) statefulSet.at("/spec/template/spec/containers/0")).put("imagePullPolicyy", "Always");
        assertThat(StrictModel.unknownFields(statefulSet)).containsExactlyInAnyOrder(".spec.replica",
                ".spec.template.spec.containers[0].imagePullPolicyy");
        JsonNode pvc = ofKind(objectsIn(OperatorManifestsIT.BASE), "PersistentVolumeClaim").get(0).deepCopy();
        ((ObjectNode) pvc.at("/spec")).put("accesModes", "ReadWriteMany");
        assertThat(StrictModel.unknownFields(pvc)).containsExactly(".spec.accesModes");
    }

    @Test
    void aWrongEntryClassJarPathOrFlinkVersionIsCaught(@TempDir Path temp) throws Exception {
        Path dockerfile = Manifests.deployDir().resolve("Dockerfile");
        assertThat(DeploymentInvariants.jarAndEntryClass("local:///opt/flink/usrlib/facestream-job.jar",
                "io.facestream.job.NoSuchJob", dockerfile, Manifests.imageDir()))
                .singleElement().satisfies(p -> assertThat(p).contains("has no entry class io.facestream.job.NoSuchJob"));
        assertThat(DeploymentInvariants.jarAndEntryClass("local:///opt/flink/usrlib/other.jar",
                "io.facestream.job.FaceStreamJob", dockerfile, Manifests.imageDir()))
                .singleElement().satisfies(p -> assertThat(p).contains("does not COPY anything to /opt/flink/usrlib/other.jar"));
        Path oldImage = Files.writeString(temp.resolve("Dockerfile"), "FROM flink:1.19.1-java17\n");
        assertThat(DeploymentInvariants.flinkVersionsAgree(oldImage, "1.20.3", "v1_20"))
                .anySatisfy(p -> assertThat(p).contains("the image is Flink 1.19.1"));
        assertThat(DeploymentInvariants.flinkVersionsAgree(dockerfile, System.getProperty("facestream.flink.version"), "v1_19"))
                .anySatisfy(p -> assertThat(p).contains("flinkVersion v1_19"));
    }

    @Test
    void aJarWithCommandLineClassesInIsCaught(@TempDir Path temp) throws Exception {
        Path jar = temp.resolve("facestream-job.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            for (String entry : List.of("io/facestream/job/FaceStreamJob.class", "io/facestream/cli/FaceStreamCli.class",
                    "org/bytedeco/javacv/FFmpegFrameGrabber.class")) {
                out.putNextEntry(new java.util.jar.JarEntry(entry));
                out.closeEntry();
            }
        }
        assertThat(DeploymentInvariants.noToolingIn(jar)).containsExactly(
                "facestream-job.jar holds tooling: io/facestream/cli/FaceStreamCli.class",
                "facestream-job.jar holds tooling: org/bytedeco/javacv/FFmpegFrameGrabber.class");
    }
}
