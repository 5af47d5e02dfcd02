package io.facestream.track;

import io.facestream.match.Similarity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The few best faces of a track, by vote weight (size and detection score): what matching back in time compares
 * with a newly enrolled person. Bounded, so a long unnamed track costs no more than a short one.
 */
final class KeptFaces implements Serializable {
    private static final long serialVersionUID = 1L;

    final ArrayList<KeptFace> faces = new ArrayList<>();

    void offer(KeptFace face, int limit) {
        if (limit <= 0 || face.embedding() == null) {
            return;
        }
        if (faces.size() < limit) {
            faces.add(face);
            return;
        }
        KeptFace weakest = faces.stream().min(Comparator.comparingDouble(KeptFace::weight)).orElseThrow();
        if (face.weight() > weakest.weight()) {
            faces.remove(weakest);
            faces.add(face);
        }
    }

    List<KeptFace> list() {
        return List.copyOf(faces);
    }

    int size() {
        return faces.size();
    }

    boolean isEmpty() {
        return faces.isEmpty();
    }

    void clear() {
        faces.clear();
    }

    /**
     * The vote the kept faces give when compared with one person's embeddings: each face counts for the person when
     * its best similarity reaches the threshold, as unknown otherwise; the usual rules then decide.
     */
    static IdentityVote voteFor(List<KeptFace> kept, String personId, float[][] embeddings, double matchThreshold,
            VoteSettings settings) {
        IdentityVote vote = new IdentityVote(settings);
        for (KeptFace face : kept) {
            float best = Similarity.toPerson(face.embedding(), embeddings);
            vote.add(face.observation().as(Similarity.reaches(best, matchThreshold) ? personId : null, best));
        }
        return vote;
    }

    /** Whether any kept face reaches {@code matchThreshold} against the embeddings: erasure errs towards erasing. */
    static boolean anyResembles(List<KeptFace> kept, float[][] embeddings, double matchThreshold) {
        for (KeptFace face : kept) {
            if (Similarity.reaches(Similarity.toPerson(face.embedding(), embeddings), matchThreshold)) {
                return true;
            }
        }
        return false;
    }
}
