package io.facestream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a FlinkDeployment the way the cluster would, offline: against the CRD schema shipped in
 * flink-kubernetes-operator-api 1.10.0 made strict (a misspelled field is an error, not ignored),
 * the operator's own validation rules, and its pod templates parsed strictly as Pods.
 */
final class FlinkDeploymentValidator {
    private static final String CRD = "/META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";
    private static final JsonSchema SCHEMA = strictSchema();

    private FlinkDeploymentValidator() {
    }

    static List<String> problems(JsonNode deployment) {
        List<String> problems = new ArrayList<>();
        Set<ValidationMessage> schemaErrors = SCHEMA.validate(deployment);
        schemaErrors.forEach(error -> problems.add("schema: " + error.getMessage()));
        problems.addAll(operatorRules(deployment));
        JsonNode spec = deployment.path("spec");
        for (String path : List.of("podTemplate", "jobManager/podTemplate", "taskManager/podTemplate")) {
            JsonNode template = spec.at("/" + path);
            if (!template.isMissingNode()) {
                StrictModel.unknownFields(template, Pod.class).forEach(field -> problems.add("spec." + path.replace('/', '.')
                        + ": unknown field " + field));
            }
        }
        return problems;
    }

    /** The operator's validation rules (FlinkConfigValidator in release-1.10) that a typo can break. */
    static List<String> operatorRules(JsonNode deployment) {
        List<String> problems = new ArrayList<>();
        String name = deployment.path("metadata").path("name").asText("");
        if (!name.matches("[a-z]([-a-z\\d]{0,43}[a-z\\d])?")) {
            problems.add("metadata.name '" + name + "' must match [a-z]([-a-z\\d]{0,43}[a-z\\d])?");
        }
        JsonNode conf = deployment.path("spec").path("flinkConfiguration");
        String upgradeMode = deployment.path("spec").path("job").path("upgradeMode").asText("stateless");
        if ((upgradeMode.equals("last-state") || upgradeMode.equals("savepoint")) && !conf.has("state.checkpoints.dir")) {
            problems.add("upgradeMode " + upgradeMode + " needs state.checkpoints.dir");
        }
        boolean savepoints = upgradeMode.equals("savepoint") || deployment.path("spec").path("job").has("savepointTriggerNonce");
        if (savepoints && !conf.has("state.savepoints.dir")) {
            problems.add("savepoints need state.savepoints.dir");
        }
        for (String forbidden : List.of("kubernetes.namespace", "kubernetes.cluster-id", "high-availability.cluster-id")) {
            if (conf.has(forbidden)) {
                problems.add(forbidden + " may not be set: the operator sets it");
            }
        }
        if (!deployment.path("spec").path("job").path("jarURI").asText("").startsWith("local://")) {
            problems.add("spec.job.jarURI must be a local:// path inside the image");
        }
        return problems;
    }

    private static JsonSchema strictSchema() {
        try (InputStream in = FlinkDeploymentValidator.class.getResourceAsStream(CRD)) {
            JsonNode crd = Manifests.YAML.readTree(in);
            JsonNode schema = null;
            for (JsonNode version : crd.path("spec").path("versions")) {
                if (version.path("name").asText().equals("v1beta1")) {
                    schema = version.path("schema").path("openAPIV3Schema").deepCopy();
                }
            }
            if (schema == null) {
                throw new IllegalStateException("no v1beta1 schema in " + CRD);
            }
            // Every custom resource also has apiVersion, kind and metadata, which CRDs leave implicit.
            ObjectNode properties = ((ObjectNode) schema).with("properties");
            properties.putObject("apiVersion").put("type", "string").putArray("enum").add("flink.apache.org/v1beta1");
            properties.putObject("kind").put("type", "string").putArray("enum").add("FlinkDeployment");
            properties.putObject("metadata").put("type", "object");
            makeStrict(schema);
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** additionalProperties: false on every object that lists its properties (the CRD never says so). */
    static void makeStrict(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                object.put("additionalProperties", false);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                makeStrict(it.next().getValue());
            }
        } else if (node.isArray()) {
            node.forEach(FlinkDeploymentValidator::makeStrict);
        }
    }
}
