package io.facestream.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One documented configuration key: its dotted lower-kebab name, what it means, its default
 * and how its text value is parsed. Parsing failures name the key and the bad value.
 */
public final class ConfigKey<T> {
    private final String name;
    private final String description;
    private final String defaultValue;
    private final String defaultText;
    private final Function<String, T> parser;

    private ConfigKey(String name, String description, String defaultValue, String defaultText, Function<String, T> parser) {
        this.name = Objects.requireNonNull(name);
        this.description = Objects.requireNonNull(description);
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.parser = Objects.requireNonNull(parser);
    }

    private ConfigKey(String name, String description, String defaultValue, Function<String, T> parser) {
        this(name, description, defaultValue, null, parser);
    }

    /**
     * The same key, with its default described in words for the documentation (where it comes
     * from the model manifest or depends on where the job runs); parsing is unchanged.
     */
    public ConfigKey<T> documentedDefault(String text) {
        return new ConfigKey<>(name, description, defaultValue, text, parser);
    }

    public static ConfigKey<String> string(String name, String defaultValue, String description) {
        return new ConfigKey<>(name, description, defaultValue, value -> value);
    }

    public static ConfigKey<Integer> integer(String name, int defaultValue, int min, int max, String description) {
        return new ConfigKey<>(name, description, Integer.toString(defaultValue), value -> {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return parsed;
        });
    }

    public static ConfigKey<Long> longValue(String name, long defaultValue, long min, String description) {
        return new ConfigKey<>(name, description, Long.toString(defaultValue), value -> {
            long parsed = Long.parseLong(value.trim());
            if (parsed < min) {
                throw new IllegalArgumentException("must be at least " + min);
            }
            return parsed;
        });
    }

    /** A fraction in [min, max]; no default when {@code defaultValue} is null (taken from the model manifest). */
    public static ConfigKey<Double> fraction(String name, Double defaultValue, double min, double max, String description) {
        return new ConfigKey<>(name, description, defaultValue == null ? null : defaultValue.toString(), value -> {
            double parsed = Double.parseDouble(value.trim());
            if (!(parsed >= min && parsed <= max)) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return parsed;
        });
    }

    public static ConfigKey<Boolean> bool(String name, boolean defaultValue, String description) {
        return new ConfigKey<>(name, description, Boolean.toString(defaultValue), value -> {
            String trimmed = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (!trimmed.equals("true") && !trimmed.equals("false")) {
                throw new IllegalArgumentException("must be true or false");
            }
            return Boolean.parseBoolean(trimmed);
        });
    }

    public static <T> ConfigKey<T> custom(String name, String defaultValue, Function<String, T> parser, String description) {
        return new ConfigKey<>(name, description, defaultValue, parser);
    }

    /** Every key starting with {@code prefix} (which ends with a dot) is accepted and passed through. */
    public static ConfigKey<String> prefix(String prefix, String description) {
        if (!prefix.endsWith(".")) {
            throw new IllegalArgumentException("a prefix key ends with '.': " + prefix);
        }
        return new ConfigKey<>(prefix, description, null, value -> value);
    }

    public boolean isPrefix() {
        return name.endsWith(".");
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** The default as text, or null when the default comes from elsewhere (the model manifest). */
    public String defaultValue() {
        return defaultValue;
    }

    /** The default as the documentation gives it (Markdown). */
    public String documentedDefault() {
        if (defaultText != null) {
            return defaultText;
        }
        return defaultValue == null ? "none" : "`" + defaultValue + "`";
    }

    T parse(String value) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
            throw new ConfigException("configuration key '" + name + "': bad value '" + value + "': " + why);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
