package io.facestream.cli;

import io.facestream.decode.ImageDecoder;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.ImageAnalysis;
import io.facestream.pipeline.PipelineSettings;
import io.facestream.pipeline.StageTimings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code facestream detect}: faces, scores and landmarks, one JSON line per image. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Detects faces: one JSON line per image with boxes, scores and five landmarks.")
class DetectCommand implements Callable<Integer> {
    @Mixin
    ConfigMixin config;

    @Option(names = "--annotate", paramLabel = "DIR", description = "Also write each image with boxes, scores and landmarks drawn.")
    Path annotateDir;

    @Option(names = "--timings", description = "Add per-stage times (ms) to each line.")
    boolean timings;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files.")
    List<Path> images;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    boolean embed() {
        return false;
    }

    @Override
    public Integer call() {
        PipelineSettings settings = PipelineSettings.from(config.load());
        int errors = 0;
        Annotator annotator = annotateDir == null ? null : new Annotator(annotateDir);
        PrintWriter out = spec.commandLine().getOut();
        StageTimings stageTimings = new StageTimings();
        try (FacePipeline pipeline = FacePipeline.open(settings, stageTimings)) {
            for (Path image : images) {
                try {
                    byte[] bytes = ImageInputs.read(image, settings.decodeLimits().maxBytes());
                    stageTimings.reset();
                    ImageAnalysis analysis = pipeline.analyze(bytes, embed());
                    JsonLines.print(out, JsonLines.analysis(image.toString(), analysis, timings ? stageTimings : null));
                    if (annotator != null) {
                        annotator.write(image, bytes, analysis, new ImageDecoder(settings.decodeLimits()));
                    }
                } catch (RuntimeException e) {
                    errors++;
                    JsonLines.print(out, JsonLines.error(image.toString(), ImageInputs.reason(e)));
                }
            }
        }
        return errors == 0 ? 0 : FaceStreamCli.EXIT_INPUT_ERRORS;
    }
}
