package io.facestream.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoxKalmanFilterTest {
    @Test
    void learnsTheVelocityOfASteadilyMovingBoxAndPredictsAhead() {
        // 100 px/s to the right, frames every 100 ms.
        BoxKalmanFilter filter = new BoxKalmanFilter(FaceBox.ofCentre(100, 200, 50, 60));
        for (int k = 1; k <= 20; k++) {
            filter.predict(100);
            filter.update(FaceBox.ofCentre(100 + 10 * k, 200, 50, 60));
        }
        filter.predict(500);
        FaceBox predicted = filter.box();
        assertThat(predicted.centreX()).isCloseTo(100 + 10 * 20 + 50, within(2.0));
        assertThat(predicted.centreY()).isCloseTo(200, within(1.0));
        assertThat(predicted.width()).isCloseTo(50, within(1.0));
        assertThat(predicted.height()).isCloseTo(60, within(1.0));
        assertThat(filter.centreVelocity()[0]).isCloseTo(100, within(3.0));
    }

    @Test
    void staysFiniteWithPositiveSizeOver1000PredictOnlyStepsOfAShrinkingBox() {
        BoxKalmanFilter filter = new BoxKalmanFilter(FaceBox.ofCentre(300, 300, 80, 80));
        for (int k = 1; k <= 10; k++) {
            filter.predict(33);
            filter.update(FaceBox.ofCentre(300 - 5 * k, 300, 80 - 6 * k, 80 - 6 * k));
        }
        for (int step = 0; step < 1000; step++) {
            filter.predict(33);
            FaceBox box = filter.box();
            assertThat(box.width()).isGreaterThanOrEqualTo(BoxKalmanFilter.MIN_SIZE_PX);
            assertThat(box.height()).isGreaterThanOrEqualTo(BoxKalmanFilter.MIN_SIZE_PX);
            assertThat(List.of(box.x1(), box.y1(), box.x2(), box.y2())).allMatch(Double::isFinite);
            assertThat(Arrays.stream(filter.positionVariances()).boxed()).allMatch(v -> Double.isFinite(v) && v >= 0);
        }
        // It can still take a measurement after all that coasting.
        filter.update(FaceBox.ofCentre(100, 300, 40, 40));
        assertThat(filter.box().centreX()).isCloseTo(100, within(1.0));
        assertThat(Arrays.stream(filter.positionVariances()).boxed()).allMatch(v -> Double.isFinite(v) && v >= 0);
    }

    @Test
    void zeroOrNegativeElapsedTimeChangesNothing() {
        BoxKalmanFilter filter = new BoxKalmanFilter(FaceBox.ofCentre(100, 100, 40, 40));
        filter.predict(100);
        filter.update(FaceBox.ofCentre(110, 100, 40, 40));
        FaceBox before = filter.box();
        double[] variancesBefore = filter.positionVariances();
        filter.predict(0);
        filter.predict(-5_000);
        assertThat(filter.box()).isEqualTo(before);
        assertThat(filter.positionVariances()).containsExactly(variancesBefore);
    }
}
