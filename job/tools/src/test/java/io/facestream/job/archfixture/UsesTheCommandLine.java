package io.facestream.job.archfixture;

import io.facestream.cli.FaceStreamCli;

/** Not part of the job: a class in the job's packages that uses tooling, for ArchitectureRulesBiteTest only. */
public final class UsesTheCommandLine {
    private UsesTheCommandLine() {
    }

    public static String describe(FaceStreamCli cli) {
        return cli.toString();
    }
}
