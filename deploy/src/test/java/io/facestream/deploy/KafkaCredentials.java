package io.facestream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Kafka credentials come from Secrets the user creates, and Kafka's config providers read them where each
 * client runs (JobManager and TaskManagers): the repository and the job graph hold only references.
 */
final class KafkaCredentials {
    static final String PREFIX = "kafka.properties.";
    static final String PROTOCOL = PREFIX + "security.protocol";
    static final String JAAS = PREFIX + "sasl.jaas.config";
    static final String PROVIDERS = PREFIX + "config.providers";
    static final String TRUSTSTORE = PREFIX + "ssl.truststore.location";
    static final String DIRECTORY_PROVIDER = "org.apache.kafka.common.config.provider.DirectoryConfigProvider";
    /** Kafka's variable syntax {@code ${provider:path:key}}. */
    static final Pattern REFERENCE = Pattern.compile("\\$\\{([^:}]+):([^:}]+):([^}]+)}");
    static final Pattern INLINE_PASSWORD = Pattern.compile("(?i)sasl\\.jaas\\.config.*password\\s*=");
    private static final Set<String> TEXT_FILES = Set.of("yaml", "yml", "conf", "properties", "env", "json");

    private KafkaCredentials() {
    }

    /** deploy/ (its tests and build output aside) holds no credential: no Secret data, secretGenerator, env file or JAAS password. */
    static List<String> noneCommitted(Path deployDir) {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(deployDir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                Path relative = deployDir.relativize(file);
                String name = file.getFileName().toString();
                String extension = name.substring(name.lastIndexOf('.') + 1);
                if (relative.startsWith("src") || relative.startsWith("target") || !TEXT_FILES.contains(extension)) {
                    continue;
                }
                if (extension.equals("env")) {
                    problems.add(relative + ": an env file (credentials come from Secrets you create, not from files here)");
                }
                String text = DeploymentInvariants.read(file);
                inlinePasswords(text, relative.toString(), problems);
                if (extension.equals("yaml") || extension.equals("yml")) {
                    for (JsonNode document : Manifests.parse(text)) {
                        secretsIn(document, relative.toString(), problems);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return problems;
    }

    /** What kubectl apply would send holds no Secret and no JAAS password. */
    static List<String> noneRendered(List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        for (JsonNode object : objects) {
            String where = object.path("kind").asText() + " " + object.at("/metadata/name").asText();
            if (object.path("kind").asText().equals("Secret")) {
                problems.add(where + ": the manifests create a Secret (create it yourself, from your own files)");
            }
            object.findValues("data").forEach(data -> data.elements()
                    .forEachRemaining(value -> inlinePasswords(value.asText(), where, problems)));
        }
        return problems;
    }

    private static void secretsIn(JsonNode document, String where, List<String> problems) {
        if (document.path("kind").asText().equals("Secret") && (document.has("data") || document.has("stringData"))) {
            problems.add(where + ": Secret " + document.at("/metadata/name").asText() + " carries data in the repository");
        }
        if (document.has("secretGenerator")) {
            problems.add(where + ": a secretGenerator makes a Secret from the repository");
        }
    }

    private static void inlinePasswords(String text, String where, List<String> problems) {
        text.lines().filter(line -> INLINE_PASSWORD.matcher(line).find())
                .forEach(line -> problems.add(where + ": a sasl.jaas.config with its password inline"));
    }

    /**
     * sasl.jaas.config and every *password is a {@code ${provider:directory:key}} reference, never a value; each
     * reference names a listed DirectoryConfigProvider and a directory that is a Secret volume mounted read-only in
     * Flink's container of every pod given (JobManager and TaskManager), and so is the truststore. With a SASL
     * protocol, sasl.jaas.config must be set.
     */
    static List<String> fromMountedSecrets(Map<String, String> jobConfiguration, List<Variant.Pod> pods) {
        List<String> problems = new ArrayList<>();
        String protocol = jobConfiguration.getOrDefault(PROTOCOL, "PLAINTEXT");
        if (protocol.startsWith("SASL_") && !jobConfiguration.containsKey(JAAS)) {
            problems.add(JAAS + " is not set, with security.protocol " + protocol);
        }
        Set<String> providers = Set.copyOf(Arrays.asList(jobConfiguration.getOrDefault(PROVIDERS, "").split("\\s*,\\s*")));
        for (Map.Entry<String, String> entry : new TreeMap<>(jobConfiguration).entrySet()) {
            String key = entry.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            Matcher reference = REFERENCE.matcher(entry.getValue());
            if ((key.equals(JAAS) || key.endsWith("password")) && !reference.matches()) {
                problems.add(key + " is a value, not a ${provider:directory:key} reference to a mounted Secret");
            }
            reference.reset();
            while (reference.find()) {
                String provider = reference.group(1);
                if (!providers.contains(provider)) {
                    problems.add(key + " refers to config provider '" + provider + "', which " + PROVIDERS + " does not list");
                } else if (!DIRECTORY_PROVIDER.equals(jobConfiguration.get(PROVIDERS + "." + provider + ".class"))) {
                    problems.add(key + ": config provider '" + provider + "' is not " + DIRECTORY_PROVIDER);
                }
                problems.addAll(onSecretVolume(key, reference.group(2), false, pods));
            }
        }
        if (protocol.endsWith("SSL") && jobConfiguration.containsKey(TRUSTSTORE)) {
            problems.addAll(onSecretVolume(TRUSTSTORE, jobConfiguration.get(TRUSTSTORE), true, pods));
        }
        return problems;
    }

    /** {@code path} (or, with {@code within}, its directory) is where a Secret volume is mounted read-only in every pod. */
    static List<String> onSecretVolume(String key, String path, boolean within, List<Variant.Pod> pods) {
        List<String> problems = new ArrayList<>();
        for (Variant.Pod pod : pods) {
            JsonNode mount = null;
            for (JsonNode candidate : Variant.container(pod.spec(), pod.container()).path("volumeMounts")) {
                String mountPath = candidate.path("mountPath").asText();
                if (within ? path.startsWith(mountPath.endsWith("/") ? mountPath : mountPath + "/") : path.equals(mountPath)) {
                    mount = candidate;
                }
            }
            String where = key + ": " + path + " in the " + pod.role() + "'s " + pod.container();
            if (mount == null) {
                problems.add(where + " is not a mounted Secret");
                continue;
            }
            String volumeName = mount.path("name").asText();
            JsonNode volume = null;
            for (JsonNode candidate : pod.spec().path("volumes")) {
                if (candidate.path("name").asText().equals(volumeName)) {
                    volume = candidate;
                }
            }
            if (volume == null || !volume.has("secret")) {
                problems.add(where + " is mounted from volume " + volumeName + ", which is not a Secret");
            } else if (!mount.path("readOnly").asBoolean(false)) {
                problems.add(where + " is not mounted readOnly");
            }
        }
        return problems;
    }

    /** A deployment marked production speaks to Kafka only with SASL over TLS. */
    static List<String> saslSslInProduction(Variant variant) {
        String protocol = variant.jobConfiguration().getOrDefault(PROTOCOL, "PLAINTEXT");
        return variant.production() && !protocol.equals("SASL_SSL")
                ? List.of("marked production but " + PROTOCOL + " is " + protocol + ", not SASL_SSL") : List.of();
    }
}
