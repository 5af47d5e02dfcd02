package io.facestream.match.archfixture;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** A test fixture that breaks the rule "Flink only in the streaming layer": matching reaching for Flink. */
public final class UsesFlink {
    private UsesFlink() {
    }

    public static TypeInformation<String> type() {
        return Types.STRING;
    }
}
