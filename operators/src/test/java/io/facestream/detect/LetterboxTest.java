package io.facestream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LetterboxTest {
    @Test
    void landscapeFitsTheWidth() {
        Letterbox box = Letterbox.fit(1920, 1280, 640, 640);
        assertThat(box.scale()).isEqualTo(1f / 3f);
        assertThat(box.resizedWidth()).isEqualTo(640);
        assertThat(box.resizedHeight()).isEqualTo(427);
    }

    @Test
    void portraitFitsTheHeight() {
        Letterbox box = Letterbox.fit(600, 800, 640, 640);
        assertThat(box.scale()).isEqualTo(0.8f);
        assertThat(box.resizedWidth()).isEqualTo(480);
        assertThat(box.resizedHeight()).isEqualTo(640);
    }

    @Test
    void smallImagesAreScaledUp() {
        Letterbox box = Letterbox.fit(320, 160, 640, 640);
        assertThat(box.scale()).isEqualTo(2f);
        assertThat(box.resizedWidth()).isEqualTo(640);
        assertThat(box.resizedHeight()).isEqualTo(320);
    }
}
