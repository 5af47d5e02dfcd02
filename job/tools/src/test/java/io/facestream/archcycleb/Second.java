package io.facestream.archcycleb;

import io.facestream.archcyclea.First;

/** The other half of {@link First}'s cycle. */
public final class Second {
    private Second() {
    }

    public static int previous(int value) {
        return value > 100 ? value : First.next(value) - 1;
    }
}
