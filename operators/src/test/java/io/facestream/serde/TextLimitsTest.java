package io.facestream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextLimitsTest {
    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void ordinaryIdsAndNamesInAnyScriptAreAccepted() {
        assertThat(TextLimits.idRefusal("camera id", utf8("cam-1"))).isNull();
        assertThat(TextLimits.idRefusal("camera id", utf8("Eingang Süd / Tür 2"))).isNull();
        assertThat(TextLimits.idRefusal("camera id", utf8("入口カメラ"))).isNull();
        assertThat(TextLimits.nameRefusal("name", "Zoë O'Brien-Łukasz 😀")).isNull();
        assertThat(TextLimits.idRefusal("camera id", utf8("x".repeat(TextLimits.MAX_ID_BYTES)))).isNull();
    }

    @Test
    void tooLongIsRefusedByBytesNotCharacters() {
        assertThat(TextLimits.idRefusal("camera id", utf8("x".repeat(700_000))))
                .isEqualTo("camera id is 700000 bytes, more than the 256 allowed");
        // 86 three-byte characters are 258 bytes: over, although only 86 characters.
        assertThat(TextLimits.idRefusal("person id", utf8("入".repeat(86)))).contains("258 bytes, more than the 256");
        assertThat(TextLimits.nameRefusal("name", "n".repeat(1_200_000))).contains("1200000 bytes, more than the 512");
    }

    @Test
    void unprintableMalformedAndBlankAreRefusedWithAQuotedReason() {
        assertThat(TextLimits.idRefusal("camera id", utf8("cam\u0007bell")))
                .isEqualTo("camera id contains U+0007 (a control character) at character 3: 'cam\\u{7}bell'");
        assertThat(TextLimits.idRefusal("camera id", utf8("cam\u202Eevil"))).contains("U+202E (an invisible format character)");
        assertThat(TextLimits.idRefusal("camera id", utf8("line\u2028two"))).contains("line or paragraph separator");
        assertThat(TextLimits.idRefusal("camera id", utf8("\uE000"))).contains("private-use");
        assertThat(TextLimits.idRefusal("camera id", new byte[] {'c', (byte) 0xC3, 0x28})).isEqualTo("camera id is not valid UTF-8");
        assertThat(TextLimits.idRefusal("camera id", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}))
                .as("an unpaired surrogate encoded as UTF-8").isEqualTo("camera id is not valid UTF-8");
        assertThat(TextLimits.idRefusal("camera id", utf8("   "))).isEqualTo("camera id is blank");
        assertThat(TextLimits.idRefusal("camera id", new byte[0])).isEqualTo("missing camera id");
        assertThat(TextLimits.nameRefusal("name", null)).isEqualTo("missing name");
    }

    @Test
    void aQuotedTextIsShortAndEscaped() {
        assertThat(TextLimits.quote("a".repeat(100))).isEqualTo("a".repeat(40) + "...");
        assertThat(TextLimits.quote("it's\n")).isEqualTo("it\\u{27}s\\u{A}");
    }

    @Test
    void anEnrollmentWithMorePhotosThanTheBoundIsRefusedBeforeAnyIsDecoded() {
        String photo = "\"" + java.util.Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}) + "\"";
        String many = String.join(",", java.util.Collections.nCopies(EnrollmentRequest.MAX_IMAGES + 1, photo));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EnrollmentRequest.parse("ann",
                        ("{\"name\": \"Ann\", \"images\": [" + many + "]}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EnrollmentRequest.InvalidEnrollmentException.class)
                .hasMessage("\"images\" has 17 photos, more than the 16 an enrollment may have");
        String enough = String.join(",", java.util.Collections.nCopies(EnrollmentRequest.MAX_IMAGES, photo));
        assertThat(EnrollmentRequest.parse("ann", ("{\"name\": \"Ann\", \"images\": [" + enough + "]}")
                .getBytes(StandardCharsets.UTF_8)).images()).hasSize(EnrollmentRequest.MAX_IMAGES);
    }
}
