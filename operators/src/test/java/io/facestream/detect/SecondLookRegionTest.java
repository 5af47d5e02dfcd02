package io.facestream.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SecondLookRegionTest {
    private static DetectedFace face(float x1, float y1, float x2, float y2) {
        return new DetectedFace(x1, y1, x2, y2, 0.5f, new float[10]);
    }

    @Test
    void theRegionIsThreeFacesWideCentredOnTheFaceAndScaledToTheInput() {
        // A 20x30 face centred at (110, 215): the region is 90 pixels square around it, scaled to 288.
        SecondLookRegion region = SecondLookRegion.around(face(100, 200, 120, 230), 288);
        assertThat(region.side()).isEqualTo(90);
        assertThat(region.x()).isEqualTo(65);
        assertThat(region.y()).isEqualTo(170);
        assertThat(region.scale()).isCloseTo(3.2f, within(1e-6f));
    }

    @Test
    void aFaceFoundInTheRegionMapsBackToTheImage() {
        SecondLookRegion region = SecondLookRegion.around(face(100, 200, 120, 230), 288);
        // Where the face is in the scaled region: (100 - 65) * 3.2 = 112, (200 - 170) * 3.2 = 96, ...
        float[] landmarks = {144, 128, 0, 0, 0, 0, 0, 0, 0, 0};
        DetectedFace found = new DetectedFace(112, 96, 176, 192, 0.9f, landmarks);
        DetectedFace mapped = region.toImage(found, 640, 480);
        assertThat(mapped.x1()).isCloseTo(100f, within(1e-3f));
        assertThat(mapped.y1()).isCloseTo(200f, within(1e-3f));
        assertThat(mapped.x2()).isCloseTo(120f, within(1e-3f));
        assertThat(mapped.y2()).isCloseTo(230f, within(1e-3f));
        assertThat(mapped.landmarks()[0]).isCloseTo(110f, within(1e-3f));
        assertThat(mapped.landmarks()[1]).isCloseTo(210f, within(1e-3f));
        assertThat(mapped.score()).isEqualTo(0.9f);
    }

    @Test
    void aRegionPastTheImageEdgeMapsBackClippedToTheImage() {
        SecondLookRegion region = SecondLookRegion.around(face(0, 0, 20, 20), 288); // reaches 20 pixels past the corner
        assertThat(region.x()).isEqualTo(-20);
        assertThat(region.y()).isEqualTo(-20);
        DetectedFace mapped = region.toImage(new DetectedFace(0, 0, 100, 100, 0.9f, new float[10]), 640, 480);
        assertThat(mapped.x1()).isZero();
        assertThat(mapped.y1()).isZero();
    }

    @Test
    void onlyAFaceCentredInTheFirstPassBoxIsTheSameFace() {
        DetectedFace firstPass = face(100, 200, 120, 230);
        assertThat(SecondLookRegion.sameFace(firstPass, face(98, 198, 124, 232))).isTrue();
        assertThat(SecondLookRegion.sameFace(firstPass, face(125, 200, 145, 230))).as("a neighbour").isFalse();
    }
}
