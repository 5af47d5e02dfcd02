package io.facestream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The namespace denies all traffic by default and each policy opens only what the job needs: Flink's
 * ports between its own pods, the REST API inside the namespace (and to the operator), metrics to the
 * monitoring namespace; out, DNS, Kafka and the Kubernetes API server.
 */
final class NetworkPolicies {
    static final Set<Integer> FLINK_PORTS = Set.of(6121, 6122, 6123, 6124, 6125);
    static final int REST = 8081;
    static final int METRICS = 9249;
    static final int DNS = 53;
    static final Set<Integer> KAFKA_PORTS = Set.of(9092, 9093);
    static final Set<Integer> KUBERNETES_API_PORTS = Set.of(443, 6443);
    static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

    private NetworkPolicies() {
    }

    /** The policies among {@code objects}, for the job whose pods carry the label app={@code app}. */
    static List<String> lockedDown(List<JsonNode> objects, String app) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> policies = Manifests.ofKind(objects, "NetworkPolicy");
        if (policies.stream().noneMatch(NetworkPolicies::isDefaultDeny)) {
            problems.add("no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)");
        }
        Set<String> opened = new TreeSet<>();
        for (JsonNode policy : policies) {
            String name = "NetworkPolicy " + policy.at("/metadata/name").asText();
            for (JsonNode rule : policy.at("/spec/ingress")) {
                checkRule(name + " ingress", rule, rule.path("from"), true, app, problems, opened);
            }
            for (JsonNode rule : policy.at("/spec/egress")) {
                checkRule(name + " egress", rule, rule.path("to"), false, app, problems, opened);
            }
        }
        for (String needed : List.of("ingress 6123", "egress 6123", "egress 53", "egress kafka", "egress kubernetes-api", "ingress 8081")) {
            if (!opened.contains(needed)) {
                problems.add("nothing allows " + needed + ": the job cannot run without it");
            }
        }
        return problems;
    }

    static boolean isDefaultDeny(JsonNode policy) {
        JsonNode spec = policy.path("spec");
        return spec.path("podSelector").isEmpty() && spec.path("policyTypes").toString().contains("Ingress")
                && spec.path("policyTypes").toString().contains("Egress") && spec.path("ingress").isEmpty()
                && spec.path("egress").isEmpty();
    }

    private static void checkRule(String where, JsonNode rule, JsonNode peers, boolean ingress, String app,
                                  List<String> problems, Set<String> opened) {
        if (peers.isEmpty()) {
            problems.add(where + ": a rule without peers allows every address");
            return;
        }
        if (rule.path("ports").isEmpty()) {
            problems.add(where + ": a rule without ports allows every port");
            return;
        }
        for (JsonNode port : rule.path("ports")) {
            if (!port.path("port").isInt() || port.has("endPort")) {
                problems.add(where + ": port " + port.path("port").asText() + " must be a single port number");
                continue;
            }
            int number = port.path("port").asInt();
            for (JsonNode peer : peers) {
                String problem = ingress ? ingressPeer(number, peer, app) : egressPeer(number, port, peer, app);
                if (problem != null) {
                    problems.add(where + " port " + number + ": " + problem);
                } else {
                    opened.add((ingress ? "ingress " : "egress ") + (KAFKA_PORTS.contains(number) ? "kafka"
                            : KUBERNETES_API_PORTS.contains(number) ? "kubernetes-api" : String.valueOf(number)));
                }
            }
        }
    }

    /** Why {@code peer} may not reach {@code port} of the job's pods, or null. */
    static String ingressPeer(int port, JsonNode peer, String app) {
        if (FLINK_PORTS.contains(port)) {
            return ownPods(peer, app) ? null : "Flink's ports only from the job's own pods (podSelector app=" + app + ")";
        }
        if (port == REST) {
            return sameNamespace(peer) || (namedNamespace(peer) != null && peer.has("podSelector")) ? null
                    : "the REST API only from this namespace or selected pods of one named namespace";
        }
        if (port == METRICS) {
            return namedNamespace(peer) != null ? null : "metrics only from one named namespace";
        }
        return "not a port the job serves";
    }

    /** Why the job's pods may not reach {@code peer} on {@code port}, or null. */
    static String egressPeer(int port, JsonNode portSpec, JsonNode peer, String app) {
        if (FLINK_PORTS.contains(port)) {
            return ownPods(peer, app) ? null : "Flink's ports only to the job's own pods (podSelector app=" + app + ")";
        }
        if (port == DNS) {
            return "kube-system".equals(namedNamespace(peer)) && peer.at("/podSelector/matchLabels").has("k8s-app") ? null
                    : "DNS only to kube-dns in kube-system";
        }
        if (KAFKA_PORTS.contains(port)) {
            return (namedNamespace(peer) != null || narrowBlock(peer)) && "TCP".equals(portSpec.path("protocol").asText("TCP")) ? null
                    : "Kafka only to one named namespace or a narrow ipBlock";
        }
        if (KUBERNETES_API_PORTS.contains(port)) {
            return narrowBlock(peer) && peer.size() == 1 ? null : "the Kubernetes API only to an ipBlock of /16 or narrower";
        }
        return "not a port the job needs";
    }

    static boolean ownPods(JsonNode peer, String app) {
        return peer.size() == 1 && app.equals(peer.at("/podSelector/matchLabels/app").asText());
    }

    static boolean sameNamespace(JsonNode peer) {
        return peer.size() == 1 && peer.has("podSelector");
    }

    /** The one namespace a peer's namespaceSelector names by kubernetes.io/metadata.name, or null. */
    static String namedNamespace(JsonNode peer) {
        JsonNode selector = peer.path("namespaceSelector");
        return selector.path("matchLabels").has(NAMESPACE_NAME) && !selector.has("matchExpressions")
                ? selector.path("matchLabels").path(NAMESPACE_NAME).asText() : null;
    }

    /** An ipBlock of at least /16 (IPv4) or /48 (IPv6), with no exceptions needed to narrow it. */
    static boolean narrowBlock(JsonNode peer) {
        String cidr = peer.at("/ipBlock/cidr").asText("");
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return false;
        }
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        return prefix >= (cidr.contains(":") ? 48 : 16);
    }
}
