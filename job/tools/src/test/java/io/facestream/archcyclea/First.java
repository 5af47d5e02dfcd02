package io.facestream.archcyclea;

import io.facestream.archcycleb.Second;

/** A test fixture that breaks the rule "no package cycles": this package uses archcycleb, which uses this one. */
public final class First {
    private First() {
    }

    public static int next(int value) {
        return Second.previous(value) + 2;
    }
}
