package io.facestream.match;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Enrolled people, each with one or more L2-normalised embeddings of one recognizer. */
public final class Gallery implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One enrolled person. */
    public record Person(String id, String name, List<float[]> embeddings) implements Serializable {
        public Person {
            embeddings = List.copyOf(embeddings);
        }
    }

    private final Map<String, Person> people = new LinkedHashMap<>();

    /** Adds an embedding to a person, creating them (or renaming them) as needed. */
    public void add(String id, String name, float[] embedding) {
        Person existing = people.get(id);
        List<float[]> embeddings = new ArrayList<>(existing == null ? List.of() : existing.embeddings());
        embeddings.add(embedding);
        people.put(id, new Person(id, name, embeddings));
    }

    /** Replaces everything known about a person. */
    public void put(Person person) {
        people.put(person.id(), person);
    }

    public boolean remove(String id) {
        return people.remove(id) != null;
    }

    public Person get(String id) {
        return people.get(id);
    }

    public int size() {
        return people.size();
    }

    public Collection<Person> people() {
        return Collections.unmodifiableCollection(people.values());
    }
}
