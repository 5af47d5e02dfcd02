package io.facestream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Flink's REST API cancels jobs and triggers savepoints for whoever reaches it, and has no authentication
 * of its own: nothing publishes it without an authenticating proxy, and the web UI takes no jars.
 */
final class RestExposure {
    /** nginx's external authentication (e.g. oauth2-proxy) or its basic authentication. */
    static final String AUTH_URL = "nginx.ingress.kubernetes.io/auth-url";
    static final String AUTH_TYPE = "nginx.ingress.kubernetes.io/auth-type";
    static final String AUTH_SECRET = "nginx.ingress.kubernetes.io/auth-secret";

    static final String ALLOW_ORIGIN = "web.access-control-allow-origin";

    private RestExposure() {
    }

    /**
     * web.submit.enable and web.cancel.enable are "false" (no jar upload or run; no cancel button), and
     * web.access-control-allow-origin names one origin (Flink's default "*" lets any web page read the REST API).
     */
    static List<String> webSubmitAndCancelDisabled(Map<String, String> flinkConfiguration) {
        List<String> problems = new ArrayList<>();
        for (String key : List.of("web.submit.enable", "web.cancel.enable")) {
            if (!"false".equals(flinkConfiguration.get(key))) {
                problems.add(key + " is " + flinkConfiguration.getOrDefault(key, "not set (true)") + ", not false");
            }
        }
        String origin = flinkConfiguration.getOrDefault(ALLOW_ORIGIN, "*");
        if (!origin.matches("https?://[^*\\s,]+")) {
            problems.add(ALLOW_ORIGIN + " is " + origin + ", not one origin: any web page may read the REST API");
        }
        return problems;
    }

    /** No Ingress (the FlinkDeployment's spec.ingress or an Ingress object) without authentication, no LoadBalancer or NodePort. */
    static List<String> notPublished(List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        for (JsonNode object : objects) {
            String kind = object.path("kind").asText();
            String where = kind + " " + object.at("/metadata/name").asText();
            if (kind.equals("FlinkDeployment")) {
                JsonNode ingress = object.at("/spec/ingress");
                if (!ingress.isMissingNode() && !authenticated(ingress.path("annotations"))) {
                    problems.add(where + ": spec.ingress publishes the REST API without authentication");
                }
                String exposed = object.at("/spec/flinkConfiguration").path("kubernetes.rest-service.exposed.type").asText("ClusterIP");
                if (!exposed.equals("ClusterIP")) {
                    problems.add(where + ": kubernetes.rest-service.exposed.type is " + exposed + ", not ClusterIP");
                }
            } else if (kind.equals("Ingress") && !authenticated(object.at("/metadata/annotations"))) {
                problems.add(where + " has no authentication annotations");
            } else if (kind.equals("Service")) {
                String type = object.at("/spec/type").asText("ClusterIP");
                if (type.equals("LoadBalancer") || type.equals("NodePort")) {
                    problems.add(where + " is a " + type);
                }
            }
        }
        return problems;
    }

    static boolean authenticated(JsonNode annotations) {
        return annotations.hasNonNull(AUTH_URL) || (annotations.hasNonNull(AUTH_TYPE) && annotations.hasNonNull(AUTH_SECRET));
    }
}
