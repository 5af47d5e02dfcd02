/**
 * Classes that exist only so that state Java-serialized by earlier versions can be read once and rewritten in the
 * versioned format ({@link io.facestream.stream.LegacySightingsState}). Remove them with that class.
 */
package io.facestream.stream.legacy;
