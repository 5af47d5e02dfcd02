package io.facestream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What must hold across the manifests, the image and the build, whatever the schema allows. */
final class DeploymentInvariants {
    static final String GPU = "nvidia.com/gpu";

    private DeploymentInvariants() {
    }

    /** GPUs only for TaskManagers: nowhere in the shared or the JobManager pod template; on the TaskManager when {@code gpu}. */
    static List<String> gpuOnlyOnTaskManagers(JsonNode deployment, boolean gpu) {
        List<String> problems = new ArrayList<>();
        JsonNode spec = deployment.path("spec");
        if (mentionsGpu(spec.path("podTemplate"))) {
            problems.add("spec.podTemplate asks for a GPU: it is merged into the JobManager too");
        }
        if (mentionsGpu(spec.path("jobManager"))) {
            problems.add("spec.jobManager asks for a GPU");
        }
        boolean taskManagerGpu = spec.at("/taskManager/podTemplate/spec/containers").findValues(GPU).size() == 1;
        if (gpu && !taskManagerGpu) {
            problems.add("spec.taskManager.podTemplate has no " + GPU + " limit");
        }
        if (!gpu && (mentionsGpu(spec.path("taskManager")) || spec.path("flinkConfiguration").has("external-resources"))) {
            problems.add("the CPU variant still asks for a GPU");
        }
        return problems;
    }

    static boolean mentionsGpu(JsonNode node) {
        return node.toString().contains(GPU);
    }

    /** flinkConfiguration values are strings in the source YAML (the operator's Map<String, String>). */
    static List<String> configurationValuesAreStrings(JsonNode deployment) {
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = deployment.path("spec").path("flinkConfiguration").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                problems.add("flinkConfiguration." + entry.getKey() + " is " + entry.getValue().getNodeType() + ", not a string");
            }
        }
        return problems;
    }

    /**
     * Checkpoints, savepoints and HA data lie on a persistent volume mounted in the Flink container,
     * and that volume's claim is ReadWriteMany (every JobManager and TaskManager reads them).
     */
    static List<String> stateOnSharedPersistentVolume(Map<String, String> flinkConfiguration, JsonNode podSpec,
                                                      String container, List<JsonNode> claims) {
        List<String> problems = new ArrayList<>();
        Map<String, String> claimByVolume = new HashMap<>();
        for (JsonNode volume : podSpec.path("volumes")) {
            if (volume.has("persistentVolumeClaim")) {
                claimByVolume.put(volume.path("name").asText(), volume.path("persistentVolumeClaim").path("claimName").asText());
            }
        }
        Map<String, String> claimByMountPath = new HashMap<>();
        for (JsonNode c : podSpec.path("containers")) {
            if (c.path("name").asText().equals(container)) {
                for (JsonNode mount : c.path("volumeMounts")) {
                    String claim = claimByVolume.get(mount.path("name").asText());
                    if (claim != null) {
                        claimByMountPath.put(mount.path("mountPath").asText(), claim);
                    }
                }
            }
        }
        for (String key : List.of("state.checkpoints.dir", "state.savepoints.dir", "high-availability.storageDir")) {
            String value = flinkConfiguration.get(key);
            if (value == null) {
                problems.add(key + " is not set");
                continue;
            }
            String path = value.replaceFirst("^file://", "");
            String claim = claimByMountPath.entrySet().stream()
                    .filter(mount -> path.startsWith(mount.getKey().endsWith("/") ? mount.getKey() : mount.getKey() + "/"))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            if (claim == null) {
                problems.add(key + "=" + value + " is not under a persistent volume mounted in " + container);
                continue;
            }
            JsonNode pvc = claims.stream().filter(c -> c.path("metadata").path("name").asText().equals(claim)).findFirst().orElse(null);
            if (pvc == null) {
                problems.add(key + ": claim " + claim + " is not among the manifests");
            } else if (!pvc.path("spec").path("accessModes").toString().contains("ReadWriteMany")) {
                problems.add(key + ": claim " + claim + " is not ReadWriteMany");
            }
        }
        return problems;
    }

    /** The jar the manifest names is where the Dockerfile puts the built jar, and it holds the entry class. */
    static List<String> jarAndEntryClass(String jarUri, String entryClass, Path dockerfile, Path imageDir) {
        List<String> problems = new ArrayList<>();
        String inImage = jarUri.replaceFirst("^local://", "");
        String dockerText = read(dockerfile);
        Matcher copy = Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+" + Pattern.quote(inImage) + "\\s*$").matcher(dockerText);
        if (!copy.find()) {
            problems.add("the Dockerfile does not COPY anything to " + inImage);
            return problems;
        }
        Path built = imageDir.resolve(copy.group(1));
        if (!Files.isRegularFile(built)) {
            problems.add("the build did not produce " + built);
            return problems;
        }
        try (JarFile jar = new JarFile(built.toFile())) {
            if (jar.getEntry(entryClass.replace('.', '/') + ".class") == null) {
                problems.add(built + " has no entry class " + entryClass);
            }
        } catch (IOException e) {
            problems.add("cannot open " + built + ": " + e.getMessage());
        }
        return problems;
    }

    /** Packages that belong to the command line and its tools, never to the deployed job. */
    static final List<String> TOOLING = List.of("io/facestream/cli/", "io/facestream/demo/", "io/facestream/bench/",
            "io/facestream/ingest/", "io/facestream/kafka/", "io/facestream/runner/", "io/facestream/console/",
            "io/facestream/preview/", "picocli/", "org/jfree/", "org/bytedeco/");

    /** The deployable jar holds the job and nothing of the tooling (CLI, demo, benchmark, FFmpeg, local broker). */
    static List<String> noToolingIn(Path jarFile) {
        List<String> problems = new ArrayList<>();
        try (JarFile jar = new JarFile(jarFile.toFile())) {
            jar.stream().map(java.util.jar.JarEntry::getName).filter(name -> name.endsWith(".class"))
                    .forEach(name -> TOOLING.stream().filter(name::startsWith).findFirst()
                            .ifPresent(prefix -> problems.add(jarFile.getFileName() + " holds tooling: " + name)));
        } catch (IOException e) {
            problems.add("cannot open " + jarFile + ": " + e.getMessage());
        }
        return problems;
    }

    /** The image's base Flink version is the project's, and the FlinkDeployment's flinkVersion agrees. */
    static List<String> flinkVersionsAgree(Path dockerfile, String projectFlinkVersion, String deploymentFlinkVersion) {
        List<String> problems = new ArrayList<>();
        Matcher from = Pattern.compile("(?m)^FROM\\s+flink:(\\d+\\.\\d+(?:\\.\\d+)?)").matcher(read(dockerfile));
        if (!from.find()) {
            problems.add("the Dockerfile is not FROM an official flink image");
            return problems;
        }
        if (!from.group(1).equals(projectFlinkVersion)) {
            problems.add("the image is Flink " + from.group(1) + ", the project builds against " + projectFlinkVersion);
        }
        if (deploymentFlinkVersion != null) {
            String[] parts = projectFlinkVersion.split("\\.");
            String expected = "v" + parts[0] + "_" + parts[1];
            if (!deploymentFlinkVersion.equals(expected)) {
                problems.add("flinkVersion " + deploymentFlinkVersion + " but the image is Flink " + from.group(1) + " (" + expected + ")");
            }
        }
        return problems;
    }

    /**
     * A pod runs locked down: non-root with the RuntimeDefault seccomp profile; every container and init container
     * with a read-only root filesystem, no privilege escalation and all capabilities dropped; {@code writable} paths
     * (Flink's /tmp, log and, standalone, conf directories) are emptyDir volumes in Flink's container.
     */
    static List<String> podLockedDown(Variant.Pod pod, List<String> writable) {
        List<String> problems = new ArrayList<>();
        JsonNode spec = pod.spec();
        String where = "the " + pod.role() + " pod";
        if (!spec.at("/securityContext/runAsNonRoot").asBoolean(false)) {
            problems.add(where + ": securityContext.runAsNonRoot is not true");
        }
        if (!spec.at("/securityContext/seccompProfile/type").asText().equals("RuntimeDefault")) {
            problems.add(where + ": securityContext.seccompProfile.type is not RuntimeDefault");
        }
        List<JsonNode> containers = new ArrayList<>();
        spec.path("initContainers").forEach(containers::add);
        spec.path("containers").forEach(containers::add);
        for (JsonNode container : containers) {
            String name = where + ", container " + container.path("name").asText();
            JsonNode context = container.path("securityContext");
            if (!context.path("readOnlyRootFilesystem").asBoolean(false)) {
                problems.add(name + ": readOnlyRootFilesystem is not true");
            }
            if (context.path("allowPrivilegeEscalation").asBoolean(true)) {
                problems.add(name + ": allowPrivilegeEscalation is not false");
            }
            if (!context.at("/capabilities/drop").toString().contains("\"ALL\"")) {
                problems.add(name + ": capabilities.drop has no ALL");
            }
            if (context.path("privileged").asBoolean(false) || !context.at("/capabilities/add").isEmpty()) {
                problems.add(name + ": privileged or adds capabilities");
            }
        }
        JsonNode container = Variant.container(spec, pod.container());
        for (String path : writable) {
            String volume = null;
            for (JsonNode mount : container.path("volumeMounts")) {
                if (mount.path("mountPath").asText().equals(path)) {
                    volume = mount.path("name").asText();
                }
            }
            boolean emptyDir = false;
            for (JsonNode candidate : spec.path("volumes")) {
                emptyDir |= candidate.path("name").asText().equals(volume) && candidate.has("emptyDir");
            }
            if (!emptyDir) {
                problems.add(where + ": " + path + " is not an emptyDir mounted in " + pod.container()
                        + " (the root filesystem is read-only)");
            }
        }
        return problems;
    }

    static final String TRANSACTIONAL_ID_PREFIX = "kafka.transactional-id-prefix";
    static final String GROUP_ID = "kafka.group-id";

    /**
     * kafka.transactional-id-prefix and kafka.group-id are facestream-&lt;namespace&gt;-&lt;name&gt;: never the default
     * "facestream", so two deployments on one Kafka cluster never fence each other's transactions nor split each
     * other's partitions.
     */
    static List<String> transactionalIdPrefixPerDeployment(Map<String, String> jobConfiguration, String namespace, String app) {
        List<String> problems = new java.util.ArrayList<>();
        for (String key : List.of(TRANSACTIONAL_ID_PREFIX, GROUP_ID)) {
            String value = jobConfiguration.get(key);
            String expected = "facestream-" + namespace + "-" + app;
            if (value == null) {
                problems.add(key + " is not set (the default 'facestream' is shared by every deployment); set " + expected);
            } else if (value.equals("facestream")) {
                problems.add(key + " is the default 'facestream', shared by every deployment; set " + expected);
            } else if (!value.equals(expected)) {
                problems.add(key + " is " + value + ", but this deployment is " + namespace + "/" + app + ": set " + expected);
            }
        }
        return problems;
    }

    static Map<String, String> flinkConfiguration(JsonNode deployment) {
        Map<String, String> conf = new HashMap<>();
        deployment.path("spec").path("flinkConfiguration").fields()
                .forEachRemaining(entry -> conf.put(entry.getKey(), entry.getValue().asText()));
        return conf;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
