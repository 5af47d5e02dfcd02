package io.facestream.cli;

import io.facestream.job.KafkaAccess;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./facestream} command line. Results go to stdout as JSON lines; logs to stderr. */
@Command(name = "facestream", mixinStandardHelpOptions = true, version = "facestream 0.1.0",
        description = "Real-time face recognition over camera streams, as an Apache Flink job.",
        subcommands = {DetectCommand.class, EmbedCommand.class, CompareCommand.class, JobCommand.class, ProduceCommand.class,
            EnrollCommand.class, SightingsCommand.class, PreviewCommand.class, TopicsCommand.class, BrokerCommand.class, DemoCommand.class, BenchCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class FaceStreamCli {

    /** Exit status when a model or the configuration cannot be used at all. */
    static final int EXIT_SETUP = 2;
    /** Exit status when some inputs could not be processed (the others were). */
    static final int EXIT_INPUT_ERRORS = 1;

    public static void main(String[] args) {
        // Before anything in the process (a metrics reporter, say) starts the JDK's HTTP server, which reads them once.
        io.facestream.preview.PreviewServer.limitJdkHttpServer();
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(new FaceStreamCli());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            String refusal = KafkaAccess.explain(exception);
            line.getErr().println("facestream: " + (refusal != null ? "Kafka " + refusal : exception.getMessage()));
            if (System.getenv("FACESTREAM_DEBUG") != null) {
                exception.printStackTrace(line.getErr()); // the whole chain, for a bug report
            }
            return EXIT_SETUP;
        });
        return commandLine.execute(args);
    }
}
