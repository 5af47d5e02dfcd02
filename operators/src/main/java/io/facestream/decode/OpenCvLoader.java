package io.facestream.decode;

/** Loads OpenCV's native library once per JVM (a second load from another class loader would fail). */
public final class OpenCvLoader {
    private static volatile boolean loaded;

    private OpenCvLoader() {
    }

    public static void ensureLoaded() {
        if (!loaded) {
            synchronized (OpenCvLoader.class) {
                if (!loaded) {
                    nu.pattern.OpenCV.loadLocally();
                    loaded = true;
                }
            }
        }
    }
}
