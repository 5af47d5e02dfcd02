package io.facestream.track;

import java.io.Serializable;

/** The aggregated votes of one person (or of "unknown", personId null) within one track. */
final class PersonTally implements Serializable {
    private static final long serialVersionUID = 1L;

    final String personId;
    double weight;
    int faces;
    double bestScore = Double.NaN;
    FaceObservation bestObservation;
    double bestObservationWeight = Double.NEGATIVE_INFINITY;

    PersonTally(String personId) {
        this.personId = personId;
    }

    void add(FaceObservation observation, double observationWeight) {
        weight += observationWeight;
        faces++;
        if (Double.isNaN(bestScore) || observation.similarity() > bestScore) {
            bestScore = observation.similarity();
        }
        if (observationWeight > bestObservationWeight) {
            bestObservationWeight = observationWeight;
            bestObservation = observation;
        }
    }
}
