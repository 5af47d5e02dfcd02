package io.facestream.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.facestream.job.archfixture.UsesTheCommandLine;
import org.junit.jupiter.api.Test;

/**
 * Each rule is shown to catch a breach in a class made to break it (those the code already kept before they were
 * written too: ONNX Runtime only in inference, ONNX graphs only in model, no tooling in the job's packages, which
 * Maven's module graph already keeps out). And the rules are shown to look at every
 * module's classes, whether they come as classes folders or jars.
 */
class ArchitectureRulesBiteTest {
    /** Outside inference and model, using both ONNX Runtime and ONNX's graph classes. */
    static final class UsesOnnx {
        static String describe(OrtEnvironment environment, ModelProto model) {
            return environment + " " + model;
        }
    }

    @Test
    void onnxRuntimeOutsideInferenceIsCaught() {
        assertCaught(ArchitectureTest.onnxRuntimeOnlyInInference, UsesOnnx.class);
    }

    @Test
    void onnxGraphsOutsideModelAreCaught() {
        assertCaught(ArchitectureTest.onnxGraphsOnlyInModel, UsesOnnx.class);
    }

    @Test
    void toolingUsedFromTheJobsPackagesIsCaught() {
        assertCaught(ArchitectureTest.jobIsTheDataflowOnly, UsesTheCommandLine.class);
    }

    @Test
    void flinkOutsideTheStreamingLayerIsCaught() {
        assertCaught(ArchitectureTest.flinkOnlyInTheStreamingLayer, io.facestream.match.archfixture.UsesFlink.class);
    }

    @Test
    void aLocalWebUiStartedFromTheJobsPackagesIsCaught() {
        assertCaught(ArchitectureTest.jobIsTheDataflowOnly, io.facestream.job.archfixture.StartsALocalWebUi.class);
    }

    @Test
    void aCycleBetweenPackagesIsCaught() {
        JavaClasses classes = new ClassFileImporter().importClasses(io.facestream.archcyclea.First.class,
                io.facestream.archcycleb.Second.class);
        assertThat(ArchitectureTest.noPackageCycles.evaluate(classes).hasViolation()).isTrue();
    }

    @Test
    void theRulesSeeEveryModulesProductionClassesAndNoTestClass() {
        JavaClasses classes = new ClassFileImporter().withImportOption(new ArchitectureTest.ProductionClasses())
                .importPackages("io.facestream");
        assertThat(classes.contain("io.facestream.stream.SightingsOperator")).as("operators").isTrue();
        assertThat(classes.contain("io.facestream.job.FaceStreamJob")).as("job").isTrue();
        assertThat(classes.contain("io.facestream.kafka.LocalKafkaBroker")).as("local-kafka").isTrue();
        assertThat(classes.contain("io.facestream.cli.FaceStreamCli")).as("tools").isTrue();
        assertThat(classes.contain("io.facestream.testing.TestData")).as("operators' test jar").isFalse();
        assertThat(classes.contain(ArchitectureRulesBiteTest.class.getName())).as("tools' tests").isFalse();
    }

    private static void assertCaught(ArchRule rule, Class<?> breach) {
        JavaClasses classes = new ClassFileImporter().importClasses(breach);
        assertThat(rule.evaluate(classes).hasViolation()).as(rule.getDescription()).isTrue();
    }
}
