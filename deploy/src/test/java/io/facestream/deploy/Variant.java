package io.facestream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One deployable variant as the checks see it, taken from its Kubernetes objects (rendered by kustomize,
 * or read from a base directory): its pods by role, its Flink and job configurations, namespace and name.
 */
record Variant(List<JsonNode> objects, List<Pod> pods, Map<String, String> flinkConfiguration,
               Map<String, String> jobConfiguration, String namespace, String app, boolean production) {

    /** A JobManager or TaskManager pod: its spec (pod templates merged as the operator does), Flink's container, its account. */
    record Pod(String role, JsonNode spec, String container, String serviceAccount) {
    }

    static final String PRODUCTION_ANNOTATION = "facestream.io/environment";

    /** From objects as kustomize renders them: either a FlinkDeployment, or a JobManager Deployment and TaskManager StatefulSet. */
    static Variant of(List<JsonNode> objects) {
        List<JsonNode> deployments = Manifests.ofKind(objects, "FlinkDeployment");
        Map<String, String> jobConfiguration = properties(configMapEntry(objects, "facestream-conf", "facestream.conf"));
        if (!deployments.isEmpty()) {
            JsonNode deployment = Manifests.single(objects, "FlinkDeployment");
            JsonNode spec = deployment.path("spec");
            String account = spec.path("serviceAccount").asText("default");
            String taskManagerAccount = spec.at("/flinkConfiguration").path("kubernetes.taskmanager.service-account").asText(account);
            List<Pod> pods = List.of(
                    new Pod("jobmanager", mergeByName(spec.at("/podTemplate/spec"), spec.at("/jobManager/podTemplate/spec")),
                            "flink-main-container", account),
                    new Pod("taskmanager", mergeByName(spec.at("/podTemplate/spec"), spec.at("/taskManager/podTemplate/spec")),
                            "flink-main-container", taskManagerAccount));
            return new Variant(objects, pods, DeploymentInvariants.flinkConfiguration(deployment), jobConfiguration,
                    deployment.at("/metadata/namespace").asText(""), deployment.at("/metadata/name").asText(),
                    isProduction(deployment));
        }
        JsonNode jobManager = Manifests.single(objects, "Deployment");
        JsonNode taskManagers = Manifests.single(objects, "StatefulSet");
        List<Pod> pods = List.of(
                new Pod("jobmanager", jobManager.at("/spec/template/spec"), "jobmanager",
                        jobManager.at("/spec/template/spec/serviceAccountName").asText("default")),
                new Pod("taskmanager", taskManagers.at("/spec/template/spec"), "taskmanager",
                        taskManagers.at("/spec/template/spec/serviceAccountName").asText("default")));
        Map<String, String> flinkConfiguration = new HashMap<>();
        Manifests.parse(configMapEntry(objects, "flink-config", "config.yaml")).get(0).fields()
                .forEachRemaining(entry -> flinkConfiguration.put(entry.getKey(), entry.getValue().asText()));
        return new Variant(objects, pods, flinkConfiguration, jobConfiguration, jobManager.at("/metadata/namespace").asText(""),
                jobManager.at("/spec/template/metadata/labels/app").asText(), isProduction(jobManager));
    }

    /**
     * From a kustomization directory's own files, without kustomize: its objects, the ConfigMaps its
     * configMapGenerator makes (with their generator labels), those of the kustomization directories it lists as
     * resources (deploy/grafana), its namespace and its production annotation (enough for a base; overlays need kubectl).
     */
    static Variant sources(Path dir) {
        JsonNode kustomization = Manifests.kustomization(dir);
        List<JsonNode> objects = sourceObjects(dir);
        String namespace = kustomization.path("namespace").asText("");
        for (JsonNode object : objects) {
            ObjectNode metadata = (ObjectNode) object.path("metadata");
            if (!namespace.isEmpty() && !object.path("kind").asText().equals("Namespace")) {
                metadata.put("namespace", namespace);
            }
            kustomization.path("commonAnnotations").fields()
                    .forEachRemaining(entry -> metadata.with("annotations").set(entry.getKey(), entry.getValue()));
        }
        return of(objects);
    }

    /** The objects of a kustomization directory's files, its generated ConfigMaps and those of its directory resources. */
    static List<JsonNode> sourceObjects(Path dir) {
        JsonNode kustomization = Manifests.kustomization(dir);
        List<JsonNode> objects = new ArrayList<>();
        for (JsonNode object : Manifests.objectsIn(dir)) {
            objects.add(object.deepCopy());
        }
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            ObjectNode configMap = Manifests.YAML.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
            ObjectNode metadata = configMap.putObject("metadata").put("name", generator.path("name").asText());
            for (JsonNode labels : List.of(kustomization.at("/generatorOptions/labels"), generator.at("/options/labels"))) {
                labels.fields().forEachRemaining(label -> metadata.with("labels").set(label.getKey(), label.getValue()));
            }
            ObjectNode data = configMap.putObject("data");
            for (JsonNode file : generator.path("files")) {
                data.put(Path.of(file.asText()).getFileName().toString(), DeploymentInvariants.read(dir.resolve(file.asText())));
            }
            objects.add(configMap);
        }
        for (JsonNode resource : kustomization.path("resources")) {
            Path resolved = dir.resolve(resource.asText()).normalize();
            if (Files.isDirectory(resolved)) {
                objects.addAll(sourceObjects(resolved));
            }
        }
        return objects;
    }

    static boolean isProduction(JsonNode object) {
        return object.at("/metadata/annotations").path(PRODUCTION_ANNOTATION).asText().equals("production");
    }

    static String configMapEntry(List<JsonNode> objects, String name, String key) {
        return Manifests.ofKind(objects, "ConfigMap").stream()
                .filter(configMap -> configMap.at("/metadata/name").asText().equals(name))
                .map(configMap -> configMap.path("data").path(key).asText(null))
                .filter(text -> text != null).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + name + " with " + key));
    }

    /** A facestream.conf the way the job reads it (java.util.Properties: {@code key: value} or {@code key=value}). */
    static Map<String, String> properties(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name).trim()));
        return values;
    }

    /**
     * Pod template merge as the operator does with kubernetes.operator.pod-template.merge-arrays-by-name:
     * objects merge key by key, arrays of named objects by name, other values from {@code specific}.
     */
    static JsonNode mergeByName(JsonNode common, JsonNode specific) {
        if (common.isMissingNode() || common.isNull()) {
            return specific.deepCopy();
        }
        if (specific.isMissingNode() || specific.isNull()) {
            return common.deepCopy();
        }
        if (common.isObject() && specific.isObject()) {
            ObjectNode merged = (ObjectNode) common.deepCopy();
            for (Iterator<Map.Entry<String, JsonNode>> it = specific.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                merged.set(entry.getKey(), mergeByName(common.path(entry.getKey()), entry.getValue()));
            }
            return merged;
        }
        if (common.isArray() && specific.isArray() && allNamed(common) && allNamed(specific)) {
            ArrayNode merged = (ArrayNode) common.deepCopy();
            for (JsonNode item : specific) {
                int index = indexOfName(merged, item.path("name").asText());
                if (index < 0) {
                    merged.add(item.deepCopy());
                } else {
                    merged.set(index, mergeByName(merged.get(index), item));
                }
            }
            return merged;
        }
        return specific.deepCopy();
    }

    private static boolean allNamed(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.has("name")) {
                return false;
            }
        }
        return true;
    }

    private static int indexOfName(ArrayNode array, String name) {
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i).path("name").asText().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The container named {@code name} of a pod spec (containers, not init containers). */
    static JsonNode container(JsonNode podSpec, String name) {
        for (JsonNode container : podSpec.path("containers")) {
            if (container.path("name").asText().equals(name)) {
                return container;
            }
        }
        return Manifests.YAML.missingNode();
    }
}
