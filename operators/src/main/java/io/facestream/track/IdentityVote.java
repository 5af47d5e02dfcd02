package io.facestream.track;

import java.io.Serializable;
import java.util.ArrayList;

/**
 * Names the person of one track from the recognitions of its faces, so that one blurred or tiny frame cannot
 * name the wrong person (as Frigate weighs a person's face recognitions before giving it a sub label).
 *
 * <p>Each observation votes with a weight in [0, 1]:
 *
 * <pre>
 *   weight = size * detection * marginFactor
 *   size         = min(faceSizePx, fullFaceSizePx) / fullFaceSizePx
 *   detection    = clamp(detectionScore, 0, 1)
 *   marginFactor = 1                                              when margin is NaN
 *                = 0.25 + 0.75 * clamp(margin / fullMargin, 0, 1) otherwise
 * </pre>
 *
 * Small faces and doubtful detections carry little detail, so little say. A narrow margin means the gallery
 * could not tell two people apart in that frame; it still counts a quarter, since a close match is evidence,
 * just weak. NaN margin (no runner-up, or an unknown face) is no evidence of confusion, hence 1.
 *
 * <p>The track is named after the person with the largest summed weight, only if that person has at least
 * {@code minFaces} observations, no other person is within a tiny epsilon of it, and the unknown observations
 * weigh less than it: a face mostly seen as "nobody in the gallery" is not given a name by a few lucky frames.
 *
 * <p>Memory is bounded: sums per person, not observations, and at most {@code maxCandidates} persons; a new person
 * takes the place of the weakest only if its first vote outweighs that person's whole sum.
 */
public final class IdentityVote implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Relative difference under which two sums count as a tie (float noise, not evidence). */
    static final double TIE_EPSILON = 1e-6;

    private VoteSettings settings;
    // Package-private for TrackFormat, which writes them to state.
    final ArrayList<PersonTally> persons = new ArrayList<>();
    final PersonTally unknown = new PersonTally(null);
    final PersonTally all = new PersonTally(null);

    public IdentityVote(VoteSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        this.settings = settings;
    }

    /** A vote as read back from state: {@link #reconfigure} gives it its settings before any use. */
    IdentityVote() {
    }

    public void add(FaceObservation observation) {
        double w = weight(observation);
        all.add(observation, w);
        if (!observation.known()) {
            unknown.add(observation, w);
            return;
        }
        PersonTally tally = tallyFor(observation.personId(), w);
        if (tally != null) {
            tally.add(observation, w);
        }
    }

    /** The weight of one observation's vote; see the class comment for the formula. */
    public double weight(FaceObservation o) {
        double size = Math.min(o.faceSizePx(), settings.fullFaceSizePx()) / settings.fullFaceSizePx();
        double detection = clamp01(o.detectionScore());
        double marginFactor = Double.isNaN(o.margin()) ? 1 : 0.25 + 0.75 * clamp01(o.margin() / settings.fullMargin());
        return size * detection * marginFactor;
    }

    public IdentityDecision decide() {
        PersonTally leader = null;
        PersonTally second = null;
        for (PersonTally p : persons) {
            if (leader == null || p.weight > leader.weight) {
                second = leader;
                leader = p;
            } else if (second == null || p.weight > second.weight) {
                second = p;
            }
        }
        if (leader == null) {
            return undecided(IdentityDecision.Verdict.NO_CANDIDATE, null);
        }
        double epsilon = TIE_EPSILON * Math.max(leader.weight, 1e-3);
        if (leader.faces < settings.minFaces()) {
            return undecided(IdentityDecision.Verdict.TOO_FEW_FACES, leader);
        }
        if (second != null && leader.weight - second.weight <= epsilon) {
            return undecided(IdentityDecision.Verdict.TIE, leader);
        }
        if (unknown.weight >= leader.weight - epsilon) {
            return undecided(IdentityDecision.Verdict.MOSTLY_UNKNOWN, leader);
        }
        return new IdentityDecision(leader.personId, IdentityDecision.Verdict.DECIDED, leader.faces, all.faces,
                leader.bestScore, leader.bestObservation);
    }

    /** Applies settings changed since this vote was saved (a job restored with new configuration). */
    public void reconfigure(VoteSettings changed) {
        if (changed == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        this.settings = changed;
    }

    /** Forgets every vote for {@code personId} (the person was deleted); true when there was one. */
    public boolean forget(String personId) {
        return persons.removeIf(p -> p.personId.equals(personId));
    }

    /** The people this vote has tallies for. */
    public java.util.List<String> candidateIds() {
        return persons.stream().map(p -> p.personId).toList();
    }

    /** Persons currently remembered for this track (at most maxCandidates). */
    public int candidates() {
        return persons.size();
    }

    /** All observations added, unknown ones included. */
    public int faces() {
        return all.faces;
    }

    private IdentityDecision undecided(IdentityDecision.Verdict verdict, PersonTally leader) {
        return new IdentityDecision(null, verdict, leader == null ? 0 : leader.faces, all.faces,
                leader == null ? Double.NaN : leader.bestScore, all.bestObservation);
    }

    /** The person's tally, making room for a new person if needed; null when the new vote is too weak to enter. */
    private PersonTally tallyFor(String personId, double w) {
        PersonTally weakest = null;
        for (PersonTally p : persons) {
            if (p.personId.equals(personId)) {
                return p;
            }
            if (weakest == null || p.weight < weakest.weight) {
                weakest = p;
            }
        }
        if (persons.size() >= settings.maxCandidates()) {
            if (w <= weakest.weight) {
                return null;
            }
            persons.remove(weakest);
        }
        PersonTally created = new PersonTally(personId);
        persons.add(created);
        return created;
    }

    private static double clamp01(double x) {
        return Math.max(0, Math.min(1, x));
    }
}
