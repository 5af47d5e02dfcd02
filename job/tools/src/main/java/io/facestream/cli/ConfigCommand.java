package io.facestream.cli;

import io.facestream.config.ConfigTable;
import io.facestream.job.JobOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code facestream config}: every configuration key with its default and meaning (the README's table). */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Prints every configuration key with its default and meaning, as a Markdown table.")
class ConfigCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(ConfigTable.markdown(JobOptions.all()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
