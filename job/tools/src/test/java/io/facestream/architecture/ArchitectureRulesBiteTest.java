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
 * The rules that the code already kept before they were written (ONNX Runtime only in inference, ONNX graphs only in
 * model, no tooling in the job's packages: Maven's module graph already keeps the tools out of the job module) are
 * shown to catch a breach: each finds one in a class made to break it.
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

    private static void assertCaught(ArchRule rule, Class<?> breach) {
        JavaClasses classes = new ClassFileImporter().importClasses(breach);
        assertThat(rule.evaluate(classes).hasViolation()).as(rule.getDescription()).isTrue();
    }
}
