package io.facestream.track;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SettingsValidationTest {
    @Test
    void trackerSettingsNameTheBadValue() {
        assertThatThrownBy(() -> new TrackerSettings(0, 0.5, 0.8, 2000, 0.3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minIou must be in (0, 1], was 0.0");
        assertThatThrownBy(() -> new TrackerSettings(0.3, 1.5, 0.8, 2000, 0.3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lowScoreMinIou must be in (0, 1], was 1.5");
        assertThatThrownBy(() -> new TrackerSettings(0.3, 0.5, Double.NaN, 2000, 0.3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("highScore must be between 0 and 1, was NaN");
        assertThatThrownBy(() -> new TrackerSettings(0.3, 0.5, 0.8, 0, 0.3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAbsenceMs must be > 0, was 0");
    }

    @Test
    void voteSettingsNameTheBadValue() {
        assertThatThrownBy(() -> new VoteSettings(0, 112, 0.1, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minFaces must be >= 1, was 0");
        assertThatThrownBy(() -> new VoteSettings(3, -1, 0.1, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fullFaceSizePx must be finite and > 0, was -1.0");
        assertThatThrownBy(() -> new VoteSettings(3, 112, Double.POSITIVE_INFINITY, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fullMargin must be finite and > 0, was Infinity");
        assertThatThrownBy(() -> new VoteSettings(3, 112, 0.1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxCandidates must be >= 1, was 0");
    }

    @Test
    void boxesAndObservationsNameTheBadValue() {
        assertThatThrownBy(() -> new FaceBox(10, 0, 5, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x1 <= x2").hasMessageContaining("10.0");
        assertThatThrownBy(() -> Detection.of(0, 0, 10, 10, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("score must be finite, was NaN");
        assertThatThrownBy(() -> new FaceObservation("a", 0.5, 0.1, -3, 0.9, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("faceSizePx must be finite and >= 0, was -3.0");
    }
}
