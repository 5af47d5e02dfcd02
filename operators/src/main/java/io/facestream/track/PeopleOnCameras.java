package io.facestream.track;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which cameras' live tracks mention which people (named, or among a vote's candidates): a deletion goes straight to
 * those cameras to close and forget, instead of reading every camera's tracks. Kept in memory only, rebuilt from state
 * when the operator starts; bounded by the live tracks and their vote's candidates. Not thread-safe.
 */
public final class PeopleOnCameras {
    private final Map<String, Set<String>> peopleOfCamera = new HashMap<>();
    private final Map<String, Set<String>> camerasOfPerson = new HashMap<>();

    /** The people {@code camera}'s live tracks mention now. */
    public void replace(String camera, Set<String> people) {
        Set<String> previous = people.isEmpty() ? peopleOfCamera.remove(camera) : peopleOfCamera.put(camera, Set.copyOf(people));
        if (previous != null) {
            for (String person : previous) {
                if (!people.contains(person)) {
                    Set<String> cameras = camerasOfPerson.get(person);
                    cameras.remove(camera);
                    if (cameras.isEmpty()) {
                        camerasOfPerson.remove(person);
                    }
                }
            }
        }
        for (String person : people) {
            camerasOfPerson.computeIfAbsent(person, p -> new HashSet<>()).add(camera);
        }
    }

    public Set<String> camerasOf(String personId) {
        return Set.copyOf(camerasOfPerson.getOrDefault(personId, Set.of()));
    }

    public int cameras() {
        return peopleOfCamera.size();
    }
}
