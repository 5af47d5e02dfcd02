package io.facestream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.embed.Vectors;
import io.facestream.match.Similarity;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.pipeline.PipelineSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code facestream compare A B}: cosine similarity of the largest face in each image. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compares the largest face of two images: {\"similarity\", \"threshold\", \"same\"}.")
class CompareCommand implements Callable<Integer> {
    @Mixin
    ConfigMixin config;

    @Parameters(index = "0", paramLabel = "IMAGE_A")
    Path first;

    @Parameters(index = "1", paramLabel = "IMAGE_B")
    Path second;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PipelineSettings settings = PipelineSettings.from(config.load());
        PrintWriter out = spec.commandLine().getOut();
        try (FacePipeline pipeline = FacePipeline.open(settings)) {
            float[] a = largestFaceEmbedding(pipeline, first, out);
            float[] b = largestFaceEmbedding(pipeline, second, out);
            if (a == null || b == null) {
                return FaceStreamCli.EXIT_INPUT_ERRORS;
            }
            float similarity = Vectors.dot(a, b);
            ObjectNode line = JsonLines.MAPPER.createObjectNode();
            line.put("similarity", JsonLines.round(similarity, 4));
            line.put("threshold", JsonLines.round(settings.matchThreshold(), 4));
            line.put("same", Similarity.reaches(similarity, settings.matchThreshold()));
            JsonLines.print(out, line);
            return 0;
        }
    }

    private static float[] largestFaceEmbedding(FacePipeline pipeline, Path image, PrintWriter out) {
        try {
            Face face = pipeline.analyze(ImageInputs.read(image, pipeline.settings().decodeLimits().maxBytes()), true)
                    .largestFace();
            if (face == null) {
                JsonLines.print(out, JsonLines.error(image.toString(), "no face found"));
                return null;
            }
            return face.embedding();
        } catch (RuntimeException e) {
            JsonLines.print(out, JsonLines.error(image.toString(), ImageInputs.reason(e)));
            return null;
        }
    }
}
