package io.facestream.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * All settings in one place: a file of {@code key: value} lines plus overrides, validated
 * against the known keys so a misspelled key fails at start-up instead of being ignored.
 */
public final class FaceStreamConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreeMap<String, String> values;

    private FaceStreamConfig(Map<String, String> values) {
        this.values = new TreeMap<>(values);
    }

    /** Validates every value against {@code known}; unknown keys and bad values fail naming the key. */
    public static FaceStreamConfig of(Map<String, String> values, Collection<ConfigKey<?>> known) {
        Map<String, ConfigKey<?>> byName = known.stream()
                .collect(Collectors.toMap(ConfigKey::name, key -> key, (a, b) -> a, TreeMap::new));
        for (Map.Entry<String, String> entry : values.entrySet()) {
            ConfigKey<?> key = byName.get(entry.getKey());
            if (key == null) {
                key = byName.values().stream().filter(ConfigKey::isPrefix)
                        .filter(prefix -> entry.getKey().startsWith(prefix.name()) && entry.getKey().length() > prefix.name().length())
                        .findFirst().orElse(null);
            }
            if (key == null) {
                throw new ConfigException("unknown configuration key '" + entry.getKey() + "'"
                        + closest(entry.getKey(), byName.keySet()));
            }
            key.parse(entry.getValue());
        }
        return new FaceStreamConfig(values);
    }

    /** Reads a properties-style file ({@code key: value} or {@code key=value}, # comments) and applies overrides. */
    public static FaceStreamConfig load(Path file, Map<String, String> overrides, Collection<ConfigKey<?>> known) {
        Map<String, String> merged = new TreeMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
            }
            properties.stringPropertyNames().forEach(name -> merged.put(name, properties.getProperty(name).trim()));
        }
        merged.putAll(overrides);
        merged.replaceAll(FaceStreamConfig::expandEnvironment);
        return of(merged, known);
    }

    /** {@code ${env:NAME}} in a value is replaced by that environment variable (e.g. from a Kubernetes Secret). */
    static String expandEnvironment(String key, String value) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}").matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String variable = System.getenv(matcher.group(1));
            if (variable == null) {
                throw new ConfigException("configuration key '" + key + "': environment variable " + matcher.group(1)
                        + " is not set");
            }
            matcher.appendReplacement(expanded, java.util.regex.Matcher.quoteReplacement(variable));
        }
        matcher.appendTail(expanded);
        return expanded.toString();
    }

    public <T> T get(ConfigKey<T> key) {
        String value = values.get(key.name());
        if (value == null) {
            value = key.defaultValue();
        }
        return value == null ? null : key.parse(value);
    }

    /** All values under a prefix key, with the prefix removed (e.g. {@code kafka.properties.} -> client properties). */
    public Map<String, String> withPrefix(ConfigKey<?> prefix) {
        Map<String, String> found = new TreeMap<>();
        values.forEach((name, value) -> {
            if (name.startsWith(prefix.name())) {
                found.put(name.substring(prefix.name().length()), value);
            }
        });
        return found;
    }

    public boolean isSet(ConfigKey<?> key) {
        return values.containsKey(key.name());
    }

    /** A copy with {@code key} set; the value is validated. */
    public FaceStreamConfig with(ConfigKey<?> key, String value) {
        key.parse(value);
        TreeMap<String, String> copy = new TreeMap<>(values);
        copy.put(key.name(), value);
        return new FaceStreamConfig(copy);
    }

    public Map<String, String> asMap() {
        return java.util.Collections.unmodifiableMap(values);
    }

    private static String closest(String wrong, Set<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int distance = editDistance(wrong, name);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = name;
            }
        }
        return best != null && bestDistance <= 3 ? " (did you mean '" + best + "'?)" : "";
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
