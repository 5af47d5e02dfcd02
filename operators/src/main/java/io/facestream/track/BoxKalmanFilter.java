package io.facestream.track;

import java.io.Serializable;

/**
 * Constant-velocity Kalman filter over a face box, as in SORT/DeepSORT: the state is the box centre, width and
 * height plus their velocities (8 numbers), and a measurement is a box.
 *
 * <p>Frames of a camera arrive at irregular times, so the motion model runs in seconds of event time, with
 * process noise from a continuous white-noise acceleration (variance grows with dt, dt^2/2, dt^3/3) instead of
 * a fixed per-frame noise.
 *
 * <p>The transition, measurement and noise matrices of that 8-state model are all block diagonal, one 2x2 block
 * (position, velocity) per coordinate, and so is the initial covariance; the covariance therefore stays block
 * diagonal forever. Rather than carry an 8x8 matrix of mostly zeros, this class keeps the four 2x2 blocks, which
 * is the same filter, exactly, with much less arithmetic to get wrong.
 *
 * <p>Like DeepSORT, all noise scales with the box height: a face twice as large moves and jitters twice as many
 * pixels.
 */
public final class BoxKalmanFilter implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Measurement noise, as a fraction of the box height (DeepSORT's 1/20). */
    static final double MEASUREMENT_STD = 0.05;
    /** Uncertainty of the unknown initial velocity, in box heights per second: a walking person's face. */
    static final double INITIAL_VELOCITY_STD = 2.0;
    /** How fast the velocity may change, in box heights per second squared. */
    static final double ACCELERATION_STD = 1.0;
    /** Boxes never shrink below a pixel, so long coasting on a negative size velocity cannot invert a box. */
    static final double MIN_SIZE_PX = 1.0;
    /** Predictions further than this are meaningless anyway; capping dt keeps the covariance far from overflow. */
    static final double MAX_DT_SECONDS = 60.0;

    private static final int CX = 0, CY = 1, W = 2, H = 3, AXES = 4;

    // One 2x2 covariance block per axis: [posVar, posVelCov; posVelCov, velVar].
    // Package-private for TrackFormat, which writes them to state.
    final double[] position = new double[AXES];
    final double[] velocity = new double[AXES];
    final double[] posVar = new double[AXES];
    final double[] posVelCov = new double[AXES];
    final double[] velVar = new double[AXES];

    /** A filter whose state TrackFormat reads back into the arrays. */
    BoxKalmanFilter() {
    }

    /** A filter at rest at the first measured box of a track. */
    public BoxKalmanFilter(FaceBox first) {
        double[] z = measurement(first);
        System.arraycopy(z, 0, position, 0, AXES);
        double h = z[H];
        for (int i = 0; i < AXES; i++) {
            posVar[i] = square(2 * MEASUREMENT_STD * h);
            velVar[i] = square(INITIAL_VELOCITY_STD * h);
        }
    }

    /** Moves the state forward by {@code elapsedMs} of event time; zero or negative elapsed time changes nothing. */
    public void predict(long elapsedMs) {
        if (elapsedMs <= 0) {
            return;
        }
        double dt = Math.min(elapsedMs / 1000.0, MAX_DT_SECONDS);
        double q = square(ACCELERATION_STD * position[H]);
        for (int i = 0; i < AXES; i++) {
            position[i] += velocity[i] * dt;
            posVar[i] += 2 * dt * posVelCov[i] + dt * dt * velVar[i] + q * dt * dt * dt / 3;
            posVelCov[i] += dt * velVar[i] + q * dt * dt / 2;
            velVar[i] += q * dt;
        }
        keepSizePositive(W);
        keepSizePositive(H);
    }

    /** Corrects the state with a measured box. */
    public void update(FaceBox measured) {
        double[] z = measurement(measured);
        double r = square(MEASUREMENT_STD * position[H]);
        for (int i = 0; i < AXES; i++) {
            double innovationVar = posVar[i] + r;
            double gainPos = posVar[i] / innovationVar;
            double gainVel = posVelCov[i] / innovationVar;
            double innovation = z[i] - position[i];
            position[i] += gainPos * innovation;
            velocity[i] += gainVel * innovation;
            // (I - K H) P, written out; velVar stays >= 0 because the block is positive semi-definite.
            velVar[i] -= gainVel * posVelCov[i];
            posVelCov[i] *= 1 - gainPos;
            posVar[i] *= 1 - gainPos;
        }
        keepSizePositive(W);
        keepSizePositive(H);
    }

    /** The box the filter currently believes in. */
    public FaceBox box() {
        return FaceBox.ofCentre(position[CX], position[CY], position[W], position[H]);
    }

    /** Velocity of the box centre in pixels per second, x then y. */
    public double[] centreVelocity() {
        return new double[] {velocity[CX], velocity[CY]};
    }

    /** The variances of the position of each axis (cx, cy, w, h); for tests of numerical health. */
    double[] positionVariances() {
        return posVar.clone();
    }

    private void keepSizePositive(int axis) {
        if (position[axis] < MIN_SIZE_PX) {
            position[axis] = MIN_SIZE_PX;
            velocity[axis] = Math.max(0, velocity[axis]);
        }
    }

    private static double[] measurement(FaceBox box) {
        return new double[] {box.centreX(), box.centreY(),
                Math.max(MIN_SIZE_PX, box.width()), Math.max(MIN_SIZE_PX, box.height())};
    }

    private static double square(double x) {
        return x * x;
    }
}
