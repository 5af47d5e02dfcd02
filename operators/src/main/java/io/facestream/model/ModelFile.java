package io.facestream.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model's weights on disk and the sha256 they must have. The location is kept as text: it
 * travels inside the job's functions, and {@link Path} is not serializable.
 */
public record ModelFile(String modelId, String location, String sha256) implements Serializable {

    public static ModelFile of(String modelId, Path path, String sha256) {
        return new ModelFile(modelId, path.toString(), sha256);
    }

    public Path path() {
        return Path.of(location);
    }

    /** Verified (path, size, mtime, expected sum), so a 250 MB model is hashed once per JVM, not per session. */
    private static final Map<String, Boolean> VERIFIED = new ConcurrentHashMap<>();

    /** Fails unless the file exists and hashes to the manifest's sha256; the message names the file. */
    public Path verified() {
        Path path = path();
        if (!Files.isRegularFile(path)) {
            throw new ModelException("model '" + modelId + "': file " + path + " is missing; expected the weights with "
                    + "sha256 " + sha256 + " (run: node models/fetch.mjs, or mvn -B verify, or copy the file there)");
        }
        try {
            String stamp = path.toAbsolutePath() + ":" + Files.size(path) + ":" + Files.getLastModifiedTime(path) + ":" + sha256;
            if (VERIFIED.containsKey(stamp)) {
                return path;
            }
            String actual = sha256Of(path);
            if (!actual.equalsIgnoreCase(sha256)) {
                throw new ModelException("model '" + modelId + "': file " + path + " has sha256 " + actual
                        + ", expected " + sha256 + " (corrupt or different weights; refusing it)");
            }
            VERIFIED.put(stamp, Boolean.TRUE);
            return path;
        } catch (IOException e) {
            throw new ModelException("model '" + modelId + "': cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    static String sha256Of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
