package io.facestream.config;

import java.util.List;

/**
 * The configuration keys as a Markdown table (key, default, meaning), written from the keys'
 * own names, defaults and descriptions, so the README's table cannot drift from the code.
 */
public final class ConfigTable {
    private ConfigTable() {
    }

    public static String markdown(List<ConfigKey<?>> keys) {
        StringBuilder table = new StringBuilder("| key | default | meaning |\n| --- | --- | --- |\n");
        for (ConfigKey<?> key : keys) {
            table.append("| `").append(key.name()).append(key.isPrefix() ? "*" : "").append("` | ")
                    .append(key.documentedDefault()).append(" | ").append(key.description().replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }
}
