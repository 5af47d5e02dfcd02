package io.facestream.serde;

import java.io.Serializable;

/** One record of the enrollments topic: key = person id, value = JSON or null (a tombstone: delete). */
public record EnrollmentRecord(String personId, RawRecord raw) implements Serializable {
}
