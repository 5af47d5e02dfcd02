package io.facestream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One service account for the JobManager and one for the TaskManagers, each bound in its namespace to a
 * Role with only the API calls Flink 1.20 makes (apiGroup/resource/verb): no ClusterRole, no wildcard, no Secrets.
 */
final class Rbac {
    private static final Set<String> HA_CONFIGMAPS = Set.of("/configmaps/get", "/configmaps/list", "/configmaps/watch",
            "/configmaps/create", "/configmaps/update", "/configmaps/patch", "/configmaps/delete", "/configmaps/deletecollection");
    /** Native mode: TaskManager pods owned by the JobManager's Deployment (blockOwnerDeletion), plus Kubernetes HA. */
    static final Set<String> NATIVE_JOBMANAGER = union(HA_CONFIGMAPS, Set.of("/pods/get", "/pods/list", "/pods/watch",
            "/pods/create", "/pods/delete", "apps/deployments/get", "apps/deployments/finalizers/update"));
    /** Standalone mode: Kubernetes HA only. */
    static final Set<String> STANDALONE_JOBMANAGER = HA_CONFIGMAPS;
    /** Kubernetes HA leader retrieval: watch the HA ConfigMaps (a label-selected informer). */
    static final Set<String> TASKMANAGER = Set.of("/configmaps/get", "/configmaps/list", "/configmaps/watch");

    private Rbac() {
    }

    /**
     * No cluster-wide grant; the JobManager and TaskManager pods run as distinct accounts defined here; every
     * RoleBinding binds a Role to one of them, and grants nothing beyond {@code allowedByRole} for its pods' role.
     */
    static List<String> leastPrivilege(Variant variant, Map<String, Set<String>> allowedByRole) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> objects = variant.objects();
        for (JsonNode object : objects) {
            String kind = object.path("kind").asText();
            if (kind.equals("ClusterRole") || kind.equals("ClusterRoleBinding")) {
                problems.add(kind + " " + object.at("/metadata/name").asText() + ": cluster-wide rights (use a Role)");
            }
        }
        if (variant.pods().stream().map(Variant.Pod::serviceAccount).distinct().count() != variant.pods().size()) {
            problems.add("JobManager and TaskManagers share a service account");
        }
        for (Variant.Pod pod : variant.pods()) {
            if (Manifests.ofKind(objects, "ServiceAccount").stream().noneMatch(sa -> named(sa, pod.serviceAccount()))) {
                problems.add("the " + pod.role() + " runs as " + pod.serviceAccount() + ", not a ServiceAccount defined here");
            }
        }
        for (JsonNode binding : Manifests.ofKind(objects, "RoleBinding")) {
            String name = "RoleBinding " + binding.at("/metadata/name").asText();
            if (!binding.at("/roleRef/kind").asText().equals("Role")) {
                problems.add(name + " binds a " + binding.at("/roleRef/kind").asText() + ", not a Role");
                continue;
            }
            JsonNode role = Manifests.ofKind(objects, "Role").stream()
                    .filter(r -> named(r, binding.at("/roleRef/name").asText())).findFirst().orElse(null);
            if (role == null) {
                problems.add(name + " binds Role " + binding.at("/roleRef/name").asText() + ", which is not defined here");
                continue;
            }
            for (JsonNode subject : binding.path("subjects")) {
                List<Variant.Pod> pods = variant.pods().stream()
                        .filter(pod -> pod.serviceAccount().equals(subject.path("name").asText())).toList();
                if (!subject.path("kind").asText().equals("ServiceAccount") || pods.isEmpty()) {
                    problems.add(name + " grants to " + subject.path("kind").asText() + " " + subject.path("name").asText()
                            + ", not one of the job's accounts");
                    continue;
                }
                for (Variant.Pod pod : pods) {
                    granted(role).stream().filter(permission -> !allowedByRole.get(pod.role()).contains(permission))
                            .forEach(permission -> problems.add(name + " gives the " + pod.role() + " " + permission
                                    + ", beyond what Flink calls"));
                }
            }
        }
        return problems;
    }

    /** Every apiGroup/resource/verb a Role grants; a wildcard stays "*", so it never matches an allowance. */
    static List<String> granted(JsonNode role) {
        List<String> permissions = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode resource : rule.path("resources")) {
                    for (JsonNode verb : rule.path("verbs")) {
                        permissions.add(group.asText() + "/" + resource.asText() + "/" + verb.asText());
                    }
                }
            }
        }
        return permissions;
    }

    private static boolean named(JsonNode object, String name) {
        return object.at("/metadata/name").asText().equals(name);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    static Map<String, Set<String>> nativeMode() {
        return Map.of("jobmanager", NATIVE_JOBMANAGER, "taskmanager", TASKMANAGER);
    }

    static Map<String, Set<String>> standaloneMode() {
        return Map.of("jobmanager", STANDALONE_JOBMANAGER, "taskmanager", TASKMANAGER);
    }
}
