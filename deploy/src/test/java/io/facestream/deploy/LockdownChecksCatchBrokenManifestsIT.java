package io.facestream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each lockdown check fails on a deliberately broken copy of a manifest, so none of them passes vacuously. */
class LockdownChecksCatchBrokenManifestsIT {
    static final Path STATEFULSET = Manifests.deployDir().resolve("statefulset");

    /** Deep copies of a variant's objects (with the ConfigMaps its kustomization generates), to break. */
    static List<JsonNode> copy(Variant variant) {
        List<JsonNode> objects = new ArrayList<>();
        variant.objects().forEach(object -> objects.add(object.deepCopy()));
        return objects;
    }

    static ObjectNode find(List<JsonNode> objects, String kind, String name) {
        return (ObjectNode) objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                && o.at("/metadata/name").asText().equals(name)).findFirst().orElseThrow();
    }

    static void removeWhere(JsonNode array, Predicate<JsonNode> predicate) {
        for (int i = array.size() - 1; i >= 0; i--) {
            if (predicate.test(array.get(i))) {
                ((ArrayNode) array).remove(i);
            }
        }
    }

    static Predicate<JsonNode> named(String name) {
        return node -> node.path("name").asText().equals(name);
    }

    // Kafka credentials

    @Test
    void credentialsCommittedUnderDeployAreCaught(@TempDir Path deploy) throws Exception {
        Files.createDirectories(deploy.resolve("overlay"));
        Files.writeString(deploy.resolve("overlay/kustomization.yaml"), """
                resources: [../base]
                secretGenerator:
                  - name: kafka
                    literals: [KAFKA_PASSWORD=hunter2]
                """);
        Files.writeString(deploy.resolve("overlay/secret.yaml"), """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: kafka
                stringData:
                  KAFKA_PASSWORD: hunter2
                """);
        Files.writeString(deploy.resolve("overlay/kafka.env"), "KAFKA_USER=facestream\n");
        Files.writeString(deploy.resolve("overlay/facestream.conf"), "kafka.properties.sasl.jaas.config: "
                + "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";\n");
        Files.createDirectories(deploy.resolve("src/test"));
        Files.writeString(deploy.resolve("src/test/fixture.env"), "ignored: tests may hold fixtures\n");
        assertThat(KafkaCredentials.noneCommitted(deploy)).containsExactly(
                "overlay/facestream.conf: a sasl.jaas.config with its password inline",
                "overlay/kafka.env: an env file (credentials come from Secrets you create, not from files here)",
                "overlay/kustomization.yaml: a secretGenerator makes a Secret from the repository",
                "overlay/secret.yaml: Secret kafka carries data in the repository");
    }

    @Test
    void anInlineJaasConfigOrASecretInTheRenderIsCaught() {
        List<JsonNode> objects = copy(StatefulSetManifestsIT.variant());
        ObjectNode conf = (ObjectNode) find(objects, "ConfigMap", "facestream-conf").path("data");
        conf.put("facestream.conf", conf.path("facestream.conf").asText().replace(
                "${dir:/etc/facestream/kafka-client:sasl.jaas.config}",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";"));
        ObjectNode secret = Manifests.YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Secret");
        secret.putObject("metadata").put("name", "facestream-kafka-client");
        objects.add(secret);
        assertThat(KafkaCredentials.noneRendered(objects)).containsExactly(
                "ConfigMap facestream-conf: a sasl.jaas.config with its password inline",
                "Secret facestream-kafka-client: the manifests create a Secret (create it yourself, from your own files)");
        Variant variant = Variant.of(objects);
        assertThat(KafkaCredentials.fromMountedSecrets(variant.jobConfiguration(), variant.pods()))
                .containsExactly("kafka.properties.sasl.jaas.config is a value, not a ${provider:directory:key} reference to a mounted Secret");
    }

    @Test
    void credentialsOutsideAMountedSecretInEitherPodAreCaught() {
        List<JsonNode> objects = copy(StatefulSetManifestsIT.variant());
        JsonNode taskManager = find(objects, "StatefulSet", "facestream-taskmanager").at("/spec/template/spec");
        removeWhere(taskManager.at("/containers/0/volumeMounts"), named("kafka-client"));
        JsonNode jobManager = find(objects, "Deployment", "facestream-jobmanager").at("/spec/template/spec");
        for (JsonNode volume : jobManager.path("volumes")) {
            if (volume.path("name").asText().equals("kafka-client")) {
                ((ObjectNode) volume).remove("secret");
                ((ObjectNode) volume).putObject("configMap").put("name", "kafka-client");
            }
            if (volume.path("name").asText().equals("kafka-truststore")) {
                ((ObjectNode) volume).remove("secret");
                ((ObjectNode) volume).putObject("emptyDir");
            }
        }
        Variant variant = Variant.of(objects);
        String dir = "/etc/facestream/kafka-client";
        assertThat(KafkaCredentials.fromMountedSecrets(variant.jobConfiguration(), variant.pods())).containsExactlyInAnyOrder(
                "kafka.properties.sasl.jaas.config: " + dir + " in the jobmanager's jobmanager is mounted from volume kafka-client, which is not a Secret",
                "kafka.properties.sasl.jaas.config: " + dir + " in the taskmanager's taskmanager is not a mounted Secret",
                "kafka.properties.ssl.truststore.password: " + dir + " in the jobmanager's jobmanager is mounted from volume kafka-client, which is not a Secret",
                "kafka.properties.ssl.truststore.password: " + dir + " in the taskmanager's taskmanager is not a mounted Secret",
                "kafka.properties.ssl.truststore.location: /etc/facestream/kafka-truststore/truststore.p12 in the jobmanager's jobmanager"
                        + " is mounted from volume kafka-truststore, which is not a Secret");
    }

    @Test
    void aWrongConfigProviderAWritableMountOrSaslWithoutJaasIsCaught() {
        Variant variant = OperatorManifestsIT.variant();
        Map<String, String> fileProvider = new HashMap<>(variant.jobConfiguration());
        fileProvider.put(KafkaCredentials.PROVIDERS + ".dir.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        assertThat(KafkaCredentials.fromMountedSecrets(fileProvider, variant.pods()))
                .hasSize(2).allSatisfy(p -> assertThat(p).contains("is not " + KafkaCredentials.DIRECTORY_PROVIDER));
        Map<String, String> unlisted = new HashMap<>(variant.jobConfiguration());
        unlisted.put(KafkaCredentials.PROVIDERS, "file");
        assertThat(KafkaCredentials.fromMountedSecrets(unlisted, variant.pods()))
                .hasSize(2).allSatisfy(p -> assertThat(p).contains("does not list"));
        Map<String, String> noJaas = new HashMap<>(variant.jobConfiguration());
        noJaas.remove(KafkaCredentials.JAAS);
        assertThat(KafkaCredentials.fromMountedSecrets(noJaas, variant.pods()))
                .containsExactly("kafka.properties.sasl.jaas.config is not set, with security.protocol SASL_SSL");

        List<JsonNode> objects = copy(variant);
        JsonNode mounts = find(objects, "FlinkDeployment", "facestream").at("/spec/podTemplate/spec/containers/0/volumeMounts");
        mounts.forEach(mount -> ((ObjectNode) mount).remove("readOnly"));
        Variant writable = Variant.of(objects);
        assertThat(KafkaCredentials.fromMountedSecrets(writable.jobConfiguration(), writable.pods()))
                .hasSize(6).allSatisfy(p -> assertThat(p).endsWith("is not mounted readOnly"));
    }

    @Test
    void plaintextKafkaInProductionIsCaught() {
        Variant production = StatefulSetManifestsIT.variant();
        Map<String, String> plaintext = new HashMap<>(production.jobConfiguration());
        plaintext.put(KafkaCredentials.PROTOCOL, "PLAINTEXT");
        Variant broken = new Variant(production.objects(), production.pods(), production.flinkConfiguration(), plaintext,
                production.namespace(), production.app(), true);
        assertThat(KafkaCredentials.saslSslInProduction(broken))
                .containsExactly("marked production but kafka.properties.security.protocol is PLAINTEXT, not SASL_SSL");
        Variant trial = new Variant(production.objects(), production.pods(), production.flinkConfiguration(), plaintext,
                production.namespace(), production.app(), false);
        assertThat(KafkaCredentials.saslSslInProduction(trial)).isEmpty();
    }

    // Transactional ids

    @Test
    void aDefaultMissingOrCopiedTransactionalIdPrefixIsCaught() {
        Map<String, String> conf = new HashMap<>(OperatorManifestsIT.variant().jobConfiguration());
        assertThat(DeploymentInvariants.transactionalIdPrefixPerDeployment(conf, "facestream-staging", "facestream"))
                .containsExactly("kafka.transactional-id-prefix is facestream-facestream-facestream, but this deployment is"
                        + " facestream-staging/facestream: set facestream-facestream-staging-facestream",
                        "kafka.group-id is facestream-facestream-facestream, but this deployment is"
                        + " facestream-staging/facestream: set facestream-facestream-staging-facestream");
        conf.remove(DeploymentInvariants.GROUP_ID);
        assertThat(DeploymentInvariants.transactionalIdPrefixPerDeployment(conf, "facestream", "facestream"))
                .singleElement().satisfies(p -> assertThat(p).startsWith("kafka.group-id is not set"));
        conf.put(DeploymentInvariants.GROUP_ID, "facestream-facestream-facestream");
        conf.put(DeploymentInvariants.TRANSACTIONAL_ID_PREFIX, "facestream");
        assertThat(DeploymentInvariants.transactionalIdPrefixPerDeployment(conf, "facestream", "facestream"))
                .containsExactly("kafka.transactional-id-prefix is the default 'facestream', shared by every deployment;"
                        + " set facestream-facestream-facestream");
        conf.remove(DeploymentInvariants.TRANSACTIONAL_ID_PREFIX);
        assertThat(DeploymentInvariants.transactionalIdPrefixPerDeployment(conf, "facestream", "facestream"))
                .singleElement().satisfies(p -> assertThat(p).startsWith("kafka.transactional-id-prefix is not set"));
    }

    // Network policies

    @Test
    void aMissingDefaultDenyOrAnOpenRestPortIsCaught() {
        List<JsonNode> objects = copy(OperatorManifestsIT.variant());
        objects.remove(find(objects, "NetworkPolicy", "default-deny"));
        ObjectNode rest = find(objects, "NetworkPolicy", "facestream-rest");
        ((ObjectNode) rest.at("/spec/ingress/0")).remove("from");
        ObjectNode metrics = find(objects, "NetworkPolicy", "facestream-metrics");
        ((ObjectNode) metrics.at("/spec/ingress/0/from/0")).putObject("namespaceSelector");
        assertThat(NetworkPolicies.lockedDown(objects, "facestream")).containsExactlyInAnyOrder(
                "no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)",
                "NetworkPolicy facestream-rest ingress: a rule without peers allows every address",
                "NetworkPolicy facestream-metrics ingress port 9249: metrics only from one named namespace",
                "nothing allows ingress 8081: the job cannot run without it");
    }

    @Test
    void egressToAnywhereOrOnAnyPortOrFlinkPortsFromOutsideAreCaught() {
        List<JsonNode> objects = copy(StatefulSetManifestsIT.variant());
        ObjectNode api = find(objects, "NetworkPolicy", "facestream-kubernetes-api");
        ((ObjectNode) api.at("/spec/egress/0/to/0/ipBlock")).put("cidr", "0.0.0.0/0");
        ObjectNode egress = find(objects, "NetworkPolicy", "facestream-egress");
        ((ObjectNode) egress.at("/spec/egress/1")).remove("ports");
        removeWhere(egress.at("/spec/egress"), rule -> rule.toString().contains("kube-dns"));
        ObjectNode flink = find(objects, "NetworkPolicy", "facestream-flink");
        ((ObjectNode) flink.at("/spec/ingress/0/from/0")).putObject("namespaceSelector");
        assertThat(NetworkPolicies.lockedDown(objects, "facestream")).containsExactlyInAnyOrder(
                "NetworkPolicy facestream-kubernetes-api egress port 443: the Kubernetes API only to an ipBlock of /16 or narrower",
                "NetworkPolicy facestream-kubernetes-api egress port 6443: the Kubernetes API only to an ipBlock of /16 or narrower",
                "NetworkPolicy facestream-egress egress: a rule without ports allows every port",
                "NetworkPolicy facestream-flink ingress port 6121: Flink's ports only from the job's own pods (podSelector app=facestream)",
                "NetworkPolicy facestream-flink ingress port 6122: Flink's ports only from the job's own pods (podSelector app=facestream)",
                "NetworkPolicy facestream-flink ingress port 6123: Flink's ports only from the job's own pods (podSelector app=facestream)",
                "NetworkPolicy facestream-flink ingress port 6124: Flink's ports only from the job's own pods (podSelector app=facestream)",
                "NetworkPolicy facestream-flink ingress port 6125: Flink's ports only from the job's own pods (podSelector app=facestream)",
                "nothing allows egress 53: the job cannot run without it",
                "nothing allows egress kafka: the job cannot run without it",
                "nothing allows egress kubernetes-api: the job cannot run without it",
                "nothing allows ingress 6123: the job cannot run without it");
    }

    // The REST API and web UI

    @Test
    void anIngressWithoutAuthenticationOrAPublicServiceIsCaught() {
        List<JsonNode> objects = copy(OperatorManifestsIT.variant());
        ObjectNode spec = (ObjectNode) find(objects, "FlinkDeployment", "facestream").path("spec");
        ObjectNode ingress = spec.putObject("ingress").put("template", "/{{namespace}}/{{name}}(/|$)(.*)").put("className", "nginx");
        ingress.putObject("annotations").put("nginx.ingress.kubernetes.io/rewrite-target", "/$2");
        ((ObjectNode) spec.path("flinkConfiguration")).put("kubernetes.rest-service.exposed.type", "LoadBalancer");
        ObjectNode object = Manifests.YAML.createObjectNode().put("apiVersion", "networking.k8s.io/v1").put("kind", "Ingress");
        object.putObject("metadata").put("name", "flink-ui");
        objects.add(object);
        ObjectNode service = Manifests.YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Service");
        service.putObject("metadata").put("name", "flink-ui");
        service.putObject("spec").put("type", "NodePort");
        objects.add(service);
        assertThat(RestExposure.notPublished(objects)).containsExactly(
                "FlinkDeployment facestream: spec.ingress publishes the REST API without authentication",
                "FlinkDeployment facestream: kubernetes.rest-service.exposed.type is LoadBalancer, not ClusterIP",
                "Ingress flink-ui has no authentication annotations",
                "Service flink-ui is a NodePort");

        ((ObjectNode) ingress.path("annotations")).put(RestExposure.AUTH_URL, "http://oauth2-proxy.auth.svc/oauth2/auth");
        object.putObject("metadata").put("name", "flink-ui").putObject("annotations")
                .put(RestExposure.AUTH_TYPE, "basic").put(RestExposure.AUTH_SECRET, "flink-ui-users");
        assertThat(RestExposure.notPublished(objects)).hasSize(2)
                .noneSatisfy(p -> assertThat(p).contains("authentication"));
    }

    @Test
    void webSubmissionOrTheCancelButtonLeftOnIsCaught() {
        Map<String, String> conf = new HashMap<>(OperatorManifestsIT.variant().flinkConfiguration());
        conf.put("web.submit.enable", "true");
        conf.remove("web.cancel.enable");
        conf.remove(RestExposure.ALLOW_ORIGIN);
        assertThat(RestExposure.webSubmitAndCancelDisabled(conf))
                .containsExactly("web.submit.enable is true, not false", "web.cancel.enable is not set (true), not false",
                        "web.access-control-allow-origin is *, not one origin: any web page may read the REST API");
    }

    // RBAC

    @Test
    void clusterWideRightsWildcardsSecretsOrASharedAccountAreCaught() {
        List<JsonNode> objects = copy(OperatorManifestsIT.variant());
        ObjectNode clusterRole = Manifests.YAML.createObjectNode().put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", "ClusterRole");
        clusterRole.putObject("metadata").put("name", "facestream");
        objects.add(clusterRole);
        ArrayNode rules = (ArrayNode) find(objects, "Role", "facestream-taskmanager").path("rules");
        ObjectNode secrets = rules.addObject();
        secrets.putArray("apiGroups").add("");
        secrets.putArray("resources").add("secrets");
        secrets.putArray("verbs").add("get");
        ObjectNode everything = rules.addObject();
        everything.putArray("apiGroups").add("apps");
        everything.putArray("resources").add("*");
        everything.putArray("verbs").add("*");
        ((ObjectNode) find(objects, "RoleBinding", "facestream-jobmanager").at("/subjects/0")).put("name", "default");
        assertThat(Rbac.leastPrivilege(Variant.of(objects), Rbac.nativeMode())).containsExactly(
                "ClusterRole facestream: cluster-wide rights (use a Role)",
                "RoleBinding facestream-jobmanager grants to ServiceAccount default, not one of the job's accounts",
                "RoleBinding facestream-taskmanager gives the taskmanager /secrets/get, beyond what Flink calls",
                "RoleBinding facestream-taskmanager gives the taskmanager apps/*/*, beyond what Flink calls");

        List<JsonNode> shared = copy(OperatorManifestsIT.variant());
        ((ObjectNode) find(shared, "FlinkDeployment", "facestream").at("/spec/flinkConfiguration"))
                .remove("kubernetes.taskmanager.service-account");
        assertThat(Rbac.leastPrivilege(Variant.of(shared), Rbac.nativeMode())).containsExactly(
                "JobManager and TaskManagers share a service account",
                "RoleBinding facestream-jobmanager gives the taskmanager /pods/get, beyond what Flink calls",
                "RoleBinding facestream-jobmanager gives the taskmanager /pods/list, beyond what Flink calls",
                "RoleBinding facestream-jobmanager gives the taskmanager /pods/watch, beyond what Flink calls",
                "RoleBinding facestream-jobmanager gives the taskmanager /pods/create, beyond what Flink calls",
                "RoleBinding facestream-jobmanager gives the taskmanager /pods/delete, beyond what Flink calls",
                "RoleBinding facestream-jobmanager gives the taskmanager /configmaps/create, beyond what Flink calls",
                "RoleBinding facestream-jobmanager gives the taskmanager /configmaps/update, beyond what Flink calls",
                "RoleBinding facestream-jobmanager gives the taskmanager /configmaps/patch, beyond what Flink calls",
                "RoleBinding facestream-jobmanager gives the taskmanager /configmaps/delete, beyond what Flink calls",
                "RoleBinding facestream-jobmanager gives the taskmanager /configmaps/deletecollection, beyond what Flink calls",
                "RoleBinding facestream-jobmanager gives the taskmanager apps/deployments/get, beyond what Flink calls",
                "RoleBinding facestream-jobmanager gives the taskmanager apps/deployments/finalizers/update, beyond what Flink calls",
                "RoleBinding facestream-taskmanager grants to ServiceAccount facestream-taskmanager, not one of the job's accounts");
        assertThat(Rbac.leastPrivilege(OperatorManifestsIT.variant(), Rbac.standaloneMode()))
                .as("native-mode rights are more than standalone needs")
                .anySatisfy(p -> assertThat(p).isEqualTo("RoleBinding facestream-jobmanager gives the jobmanager /pods/create, beyond what Flink calls"));
    }

    // Pod hardening

    @Test
    void aPodThatIsNotLockedDownIsCaught() {
        List<JsonNode> objects = copy(StatefulSetManifestsIT.variant());
        ObjectNode pod = (ObjectNode) find(objects, "StatefulSet", "facestream-taskmanager").at("/spec/template/spec");
        ((ObjectNode) pod.path("securityContext")).remove("seccompProfile");
        ((ObjectNode) pod.path("securityContext")).put("runAsNonRoot", false);
        ((ObjectNode) pod.at("/initContainers/0/securityContext")).put("allowPrivilegeEscalation", true);
        ObjectNode context = (ObjectNode) pod.at("/containers/0/securityContext");
        context.remove("readOnlyRootFilesystem");
        ((ObjectNode) context.path("capabilities")).putArray("drop").add("NET_RAW");
        removeWhere(pod.at("/containers/0/volumeMounts"), mount -> mount.path("mountPath").asText().equals("/tmp"));
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.path("name").asText().equals("flink-log")) {
                ((ObjectNode) volume).remove("emptyDir");
                ((ObjectNode) volume).putObject("hostPath").put("path", "/var/log/flink");
            }
        }
        Variant.Pod taskManager = Variant.of(objects).pods().get(1);
        assertThat(DeploymentInvariants.podLockedDown(taskManager, List.of("/tmp", "/opt/flink/log", "/opt/flink/conf")))
                .containsExactly(
                        "the taskmanager pod: securityContext.runAsNonRoot is not true",
                        "the taskmanager pod: securityContext.seccompProfile.type is not RuntimeDefault",
                        "the taskmanager pod, container flink-config: allowPrivilegeEscalation is not false",
                        "the taskmanager pod, container taskmanager: readOnlyRootFilesystem is not true",
                        "the taskmanager pod, container taskmanager: capabilities.drop has no ALL",
                        "the taskmanager pod: /tmp is not an emptyDir mounted in taskmanager (the root filesystem is read-only)",
                        "the taskmanager pod: /opt/flink/log is not an emptyDir mounted in taskmanager (the root filesystem is read-only)");
    }

    // Image digests

    @Test
    void aMutableTagInAProductionKustomizationIsCaught() {
        ObjectNode kustomization = (ObjectNode) Manifests.kustomization(STATEFULSET).deepCopy();
        ObjectNode image = (ObjectNode) kustomization.path("images").get(0);
        image.remove("digest");
        image.put("newTag", "0.1.0");
        Set<String> used = Set.of("facestream:0.1.0", "busybox:1.36");
        assertThat(ImagePinning.pinnedByDigest(kustomization, used)).containsExactly(
                "images: facestream has no digest: sha256:<64 hex digits> (a tag can be pushed over)",
                "images: facestream sets newTag 0.1.0; pin it by digest only",
                "image busybox:1.36 has no images: entry pinning it by digest");
        image.put("digest", "sha256:1234");
        assertThat(ImagePinning.pinnedByDigest(kustomization, Set.of("facestream"))).hasSize(2);
        kustomization.remove("commonAnnotations");
        assertThat(ImagePinning.pinnedByDigest(kustomization, used)).as("not marked production").isEmpty();

        List<JsonNode> rendered = copy(OperatorManifestsIT.variant());
        ObjectNode deployment = find(rendered, "FlinkDeployment", "facestream");
        ((ObjectNode) deployment.path("metadata")).putObject("annotations").put(Variant.PRODUCTION_ANNOTATION, "production");
        assertThat(ImagePinning.renderedPinned(rendered))
                .containsExactly("FlinkDeployment facestream runs facestream:0.1.0, a tag, in production");
        ((ObjectNode) deployment.path("spec")).put("image", "team/facestream@sha256:" + "ab".repeat(32));
        assertThat(ImagePinning.renderedPinned(rendered)).isEmpty();
    }
}
