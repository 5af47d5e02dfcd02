package io.facestream.config;

/** A configuration problem; the message names the key (or file) and what was wrong. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
