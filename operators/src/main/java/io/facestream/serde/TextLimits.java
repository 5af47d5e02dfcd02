package io.facestream.serde;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The identifiers and texts that enter the job from outside (camera ids, person ids, names) are checked where they
 * enter, so that no producer can make a record, a key of state or a result bigger than its topic takes: each is valid
 * UTF-8, at most a bounded number of bytes, not blank, and made of printable characters (no control, format,
 * private-use, unassigned or line-separator characters, which would break logs, JSON consumers and dashboards or hide
 * what an id really is). A refusal is a reason fit for a dead letter or a command-line error; it quotes at most the
 * first {@link #QUOTED_CHARS} characters, escaped.
 */
public final class TextLimits {
    /** Camera ids and person ids: room for any real naming scheme, and small enough to be a key many times over. */
    public static final int MAX_ID_BYTES = 256;
    /** Display names. */
    public static final int MAX_NAME_BYTES = 512;
    static final int QUOTED_CHARS = 40;

    private TextLimits() {
    }

    /** An identifier as it came (UTF-8 bytes, e.g. a Kafka key): null when it is usable, else why not. */
    public static String idRefusal(String what, byte[] utf8) {
        return refusal(what, utf8, MAX_ID_BYTES);
    }

    /** A display name: null when it is usable, else why not. */
    public static String nameRefusal(String what, String text) {
        return text == null ? "missing " + what : refusal(what, text.getBytes(StandardCharsets.UTF_8), MAX_NAME_BYTES);
    }

    /** An identifier already decoded (e.g. a directory name or a command-line value): null when usable, else why not. */
    public static String idRefusal(String what, String text) {
        return text == null ? "missing " + what : refusal(what, text.getBytes(StandardCharsets.UTF_8), MAX_ID_BYTES);
    }

    static String refusal(String what, byte[] utf8, int maxBytes) {
        if (utf8 == null || utf8.length == 0) {
            return "missing " + what;
        }
        if (utf8.length > maxBytes) {
            return what + " is " + utf8.length + " bytes, more than the " + maxBytes + " allowed";
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            return what + " is not valid UTF-8";
        }
        if (text.isBlank()) {
            return what + " is blank";
        }
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if (!printable(codePoint)) {
                return what + " contains " + String.format("U+%04X", codePoint) + " (" + kind(codePoint) + ") at character "
                        + i + ": '" + quote(text) + "'";
            }
            i += Character.charCount(codePoint);
        }
        return null;
    }

    private static boolean printable(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    private static String kind(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL -> "a control character";
            case Character.FORMAT -> "an invisible format character";
            case Character.PRIVATE_USE -> "a private-use character";
            case Character.UNASSIGNED -> "an unassigned character";
            default -> "a line or paragraph separator";
        };
    }

    /** The start of {@code text} with everything unprintable escaped, for a refusal's message. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder();
        int chars = 0;
        for (int i = 0; i < text.length() && chars < QUOTED_CHARS; chars++) {
            int codePoint = text.codePointAt(i);
            out.append(printable(codePoint) && codePoint != '\'' && codePoint != '\\' ? new String(Character.toChars(codePoint))
                    : String.format("\\u{%X}", codePoint));
            i += Character.charCount(codePoint);
        }
        return chars < text.codePointCount(0, text.length()) ? out + "..." : out.toString();
    }
}
