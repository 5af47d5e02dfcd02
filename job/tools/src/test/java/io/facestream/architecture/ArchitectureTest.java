package io.facestream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.regex.Pattern;

/**
 * The walls of the house, over every production class of every module (tools depends on all of them, so its tests
 * see them all; test classes and test jars are left out). Each rule names what it allows and why. ArchUnit's JUnit 5
 * engine runs every {@code @ArchTest} rule as a test and asserts it: a violation fails the build, naming the classes.
 */
@AnalyzeClasses(packages = "io.facestream", importOptions = ArchitectureTest.ProductionClasses.class)
class ArchitectureTest {
    /** The packages of the tooling (tools module and the local broker): nothing the deployed job may need. */
    static final String[] TOOLING = {"io.facestream.cli..", "io.facestream.bench..", "io.facestream.demo..",
            "io.facestream.ingest..", "io.facestream.preview..", "io.facestream.runner..", "io.facestream.console..",
            "io.facestream.kafka..", "io.facestream.e2e.."};

    /**
     * Flink is used by the operators and functions ({@code stream}), the dataflow's wiring ({@code job}), the launcher
     * that runs the job on this machine ({@code runner}, tools), the Kafka record schemas of {@code serde} (the classes
     * named {@code *SerializationSchema} / {@code *DeserializationSchema}: they implement flink-connector-kafka's
     * interfaces), and the gallery benchmark ({@code bench.GalleryBenchmark}: it drives the real GalleryShardOperator
     * through Flink's operator harness). Nowhere else: the face pipeline, matching, tracking, configuration and the
     * other tools are plain Java.
     */
    @ArchTest
    static final ArchRule flinkOnlyInTheStreamingLayer = noClasses()
            .that().resideInAPackage("io.facestream..")
            .and().resideOutsideOfPackages("io.facestream.stream..", "io.facestream.job..", "io.facestream.runner..")
            .and(DescribedPredicate.not(kafkaRecordSchemas()))
            .and(DescribedPredicate.not(topLevelClassNamed("io.facestream.bench.GalleryBenchmark")))
            .should().dependOnClassesThat().resideInAPackage("org.apache.flink..")
            .because("Flink belongs to the streaming layer (stream, job, runner) and serde's Kafka schemas");

    /** ONNX Runtime is touched by {@code inference} alone (sessions, tensors, providers). */
    @ArchTest
    static final ArchRule onnxRuntimeOnlyInInference = noClasses()
            .that().resideInAPackage("io.facestream..")
            .and().resideOutsideOfPackage("io.facestream.inference..")
            .should().dependOnClassesThat().resideInAPackage("ai.onnxruntime..")
            .because("inference is the only place that touches ONNX Runtime");

    /**
     * ONNX's protobuf classes (the graph, not the runtime) are read and rewritten by {@code model} alone (dynamic batch
     * and image size rewrites of a model file before a session loads it).
     */
    @ArchTest
    static final ArchRule onnxGraphsOnlyInModel = noClasses()
            .that().resideInAPackage("io.facestream..")
            .and().resideOutsideOfPackage("io.facestream.model..")
            .should().dependOnClassesThat().resideInAPackage("ai.onnx..")
            .because("model rewrites ONNX graphs; everything else goes through inference");

    /**
     * The job module ({@code io.facestream.job}) is the deployable dataflow: it uses no tooling package, does not start
     * a local Flink with its web UI, and holds no client-side handle on a running job (the launcher in tools does).
     */
    @ArchTest
    static final ArchRule jobIsTheDataflowOnly = noClasses()
            .that().resideInAPackage("io.facestream.job..")
            .should().dependOnClassesThat().resideInAnyPackage(TOOLING)
            .orShould().callMethod("org.apache.flink.streaming.api.environment.StreamExecutionEnvironment",
                    "createLocalEnvironmentWithWebUI", "org.apache.flink.configuration.Configuration")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.flink.core.execution.JobClient")
            .because("deploy/ shades the job module into the image, and nothing of the tooling");

    /** No two packages depend on each other, directly or around a loop. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.facestream.(*)..").should().beFreeOfCycles();

    /** Within the job's package, no two classes depend on each other (the job uses its helpers, not the reverse). */
    @ArchTest
    static final ArchRule noClassCyclesInTheJob = slices().assignedFrom(topLevelClassesOf("io.facestream.job"))
            .should().beFreeOfCycles();

    /** Classes of the modules' main sources: no test classes, no test jars. */
    static final class ProductionClasses implements ImportOption {
        private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar!.*");

        @Override
        public boolean includes(Location location) {
            return !location.contains("/test-classes/") && !location.matches(TEST_JAR);
        }
    }

    private static String topLevelName(JavaClass javaClass) {
        String name = javaClass.getName();
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }

    static DescribedPredicate<JavaClass> topLevelClassNamed(String name) {
        return DescribedPredicate.describe("are (in) " + name, javaClass -> topLevelName(javaClass).equals(name));
    }

    static DescribedPredicate<JavaClass> kafkaRecordSchemas() {
        return DescribedPredicate.describe("are serde's Kafka record schemas (*SerializationSchema, *DeserializationSchema)",
                javaClass -> javaClass.getPackageName().equals("io.facestream.serde")
                        && (topLevelName(javaClass).endsWith("SerializationSchema")
                        || topLevelName(javaClass).endsWith("DeserializationSchema")));
    }

    /** One slice per top-level class of {@code packageName} (nested classes belong to theirs); other classes none. */
    static SliceAssignment topLevelClassesOf(String packageName) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                return javaClass.getPackageName().equals(packageName) ? SliceIdentifier.of(topLevelName(javaClass))
                        : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "classes of " + packageName;
            }
        };
    }
}
