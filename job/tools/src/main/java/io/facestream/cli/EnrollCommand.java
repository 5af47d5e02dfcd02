package io.facestream.cli;

import io.facestream.ingest.FaceStreamProducer;
import io.facestream.serde.EnrollmentRequest;
import io.facestream.serde.TextLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code facestream enroll}: adds (replaces) or deletes a person through the enrollments topic. */
@Command(name = "enroll", mixinStandardHelpOptions = true,
        description = "Enrolls a person from photos (one face each), or deletes them, through the enrollments topic.")
class EnrollCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic", defaultValue = "enrollments", description = "Enrollments topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    static class Action {
        @ArgGroup(exclusive = false)
        Enrol enrol;

        @Option(names = "--delete", paramLabel = "ID", description = "Deletes the person (a deletion marker, which outlives "
                + "compaction, unlike a tombstone): no further matches, their kept faces erased.")
        String delete;
    }

    static class Enrol {
        @Option(names = "--id", required = true, description = "Person id (the record key).")
        String id;

        @Option(names = "--name", required = true, description = "Display name.")
        String name;

        @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Photos showing only this person.")
        List<Path> images;
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String refusal = action.delete != null ? TextLimits.idRefusal("--delete (the person id)", action.delete)
                : firstNonNull(TextLimits.idRefusal("--id (the person id)", action.enrol.id),
                        TextLimits.nameRefusal("--name", action.enrol.name),
                        action.enrol.images.size() > EnrollmentRequest.MAX_IMAGES ? action.enrol.images.size()
                                + " photos given, more than the " + EnrollmentRequest.MAX_IMAGES + " an enrollment may have" : null);
        if (refusal != null) {
            // The job would refuse it as a dead letter: say so here, before anything is sent.
            spec.commandLine().getErr().println("facestream: " + refusal);
            return FaceStreamCli.EXIT_INPUT_ERRORS;
        }
        try (FaceStreamProducer producer = new FaceStreamProducer(bootstrap, kafka.properties())) {
            if (action.delete != null) {
                producer.sendDeletion(topic, action.delete);
                spec.commandLine().getOut().println(JsonLines.MAPPER.createObjectNode().put("deleted", action.delete));
                return 0;
            }
            List<byte[]> images = new ArrayList<>();
            for (Path image : action.enrol.images) {
                if (!Files.isRegularFile(image)) {
                    spec.commandLine().getErr().println("facestream: no such file " + image);
                    return FaceStreamCli.EXIT_INPUT_ERRORS;
                }
                images.add(Files.readAllBytes(image));
            }
            producer.sendEnrollment(topic, EnrollmentRequest.ofImages(action.enrol.id, action.enrol.name, images));
            spec.commandLine().getOut().println(JsonLines.MAPPER.createObjectNode().put("enrolled", action.enrol.id)
                    .put("images", images.size()));
            return 0;
        }
    }

    private static String firstNonNull(String... reasons) {
        for (String reason : reasons) {
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }
}
