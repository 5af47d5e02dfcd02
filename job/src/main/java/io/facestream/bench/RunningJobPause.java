package io.facestream.bench;

/** Sleeps without throwing checked exceptions. */
final class RunningJobPause {
    private RunningJobPause() {
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
