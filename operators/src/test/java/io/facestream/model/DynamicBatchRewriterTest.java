package io.facestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.facestream.align.FaceAligner;
import io.facestream.decode.DecodeLimits;
import io.facestream.decode.ImageDecoder;
import io.facestream.embed.FaceEmbedder;
import io.facestream.inference.InferenceSession;
import io.facestream.inference.InferenceSettings;
import io.facestream.inference.SessionRegistry;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import io.facestream.testing.TestData;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

/** The batch rewrite changes nothing at batch 1 and gives every image of a batch its own answer. */
@Tag("model")
class DynamicBatchRewriterTest {
    static RecognizerModel recognizer() {
        return ModelManifest.load(TestData.modelsDir().resolve("models.json")).recognizer("faceplugin-fr");
    }

    @Test
    void theRecognizersInputOutputAndPinnedReshapeBecomeBatchDynamic() throws Exception {
        byte[] original = Files.readAllBytes(recognizer().file().verified());
        ModelRewrite result = DynamicBatchRewriter.rewrite(original, "faceplugin-fr");
        assertThat(result.changes()).contains("input input: batch 1 -> batch", "output output: batch 1 -> batch")
                .anySatisfy(change -> assertThat(change).startsWith("Reshape").endsWith("[1, -1] -> [0, -1]"));
        GraphProto graph = ModelProto.parseFrom(result.model()).getGraph();
        assertThat(graph.getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("batch");
        assertThat(graph.getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("batch");
        assertThat(graph.getNodeCount()).isEqualTo(ModelProto.parseFrom(original).getGraph().getNodeCount());
    }

    @Test
    void batchedEmbeddingsEqualOneByOneEmbeddingsAndBatchOneIsUnchanged() {
        byte[] photo = TestData.bytes(TestData.sample("face-api", "sample5.jpg")); // five faces
        List<float[]> single;
        List<float[]> batched;
        RecognizerModel recognizer = recognizer();
        FacePipeline pipeline = TestData.pipeline();
        try (FaceEmbedder plain = new FaceEmbedder(recognizer,
                     SessionRegistry.acquire(recognizer.file(), recognizer.input(), InferenceSettings.cpu()), size -> { });
             FaceEmbedder dynamic = new FaceEmbedder(recognizer,
                     SessionRegistry.acquire(recognizer.file(), recognizer.input(), InferenceSettings.cpu().withDynamicBatch(true)),
                     size -> { })) {
            assertThat(plain.maxBatch()).isEqualTo(1);
            assertThat(dynamic.maxBatch()).isGreaterThan(1000);
            Mat image = new ImageDecoder(DecodeLimits.DEFAULT).decode(photo);
            FaceAligner aligner = new FaceAligner(recognizer);
            List<Mat> crops = new ArrayList<>();
            for (Face face : pipeline.analyze(image, false).faces()) {
                crops.add(aligner.align(image, face.detection()));
            }
            assertThat(crops).hasSize(5);
            single = plain.embedAll(crops); // five calls of batch 1
            batched = dynamic.embedAll(crops); // one call of batch 5
            List<float[]> dynamicOneByOne = new ArrayList<>();
            crops.forEach(crop -> dynamicOneByOne.add(dynamic.embed(crop)));
            for (int i = 0; i < 5; i++) {
                assertThat(dynamicOneByOne.get(i)).as("batch 1, face %d", i).containsExactly(single.get(i));
                assertThat(batched.get(i)).as("batch 5, face %d", i).containsExactly(single.get(i), within(1e-5f));
            }
        }
    }

    @Test
    void theDetectorAlreadyFollowsItsInputsBatchAndOnlyItsInterfaceChanges() throws Exception {
        DetectorModel detector = ModelManifest.load(TestData.modelsDir().resolve("models.json")).detector("retinaface-mnet025-v2");
        ModelRewrite result = DynamicBatchRewriter.rewrite(Files.readAllBytes(detector.file().verified()), "d");
        assertThat(result.changes()).hasSize(1 + 9).noneMatch(change -> change.startsWith("Reshape"));
        // Two different images in one call give what each gives alone.
        InferenceSettings dynamic = InferenceSettings.cpu().withDynamicBatch(true);
        try (InferenceSession session = SessionRegistry.acquire(detector.file(), detector.input(), dynamic)) {
            int size = 3 * 640 * 640;
            float[] a = new float[size];
            float[] b = new float[size];
            java.util.Random random = new java.util.Random(5);
            for (int i = 0; i < size; i++) {
                a[i] = random.nextFloat() * 255;
                b[i] = random.nextFloat() * 255;
            }
            float[] both = new float[2 * size];
            System.arraycopy(a, 0, both, 0, size);
            System.arraycopy(b, 0, both, size, size);
            String out = detector.decoder().scoresOutput(8);
            float[] alone = session.run("data", FloatBuffer.wrap(b), new long[] {1, 3, 640, 640}, List.of(out)).get(out);
            float[] pair = session.run("data", FloatBuffer.wrap(both), new long[] {2, 3, 640, 640}, List.of(out)).get(out);
            assertThat(pair).hasSize(2 * alone.length);
            for (int i = 0; i < alone.length; i++) {
                assertThat(pair[alone.length + i]).isCloseTo(alone[i], within(1e-4f));
            }
        }
    }

    @Test
    void aReshapeThatCannotFollowTheBatchIsRefused() {
        TensorProto shape = TensorProto.newBuilder().setName("shape").setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(2).addInt64Data(1).addInt64Data(-1).build();
        ModelProto model = ModelProto.newBuilder().setGraph(GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("Reshape").setName("flatten").addInput("x").addInput("shape").addOutput("y")
                        .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("allowzero").setI(1)
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)))
                .addInitializer(shape)).build();
        assertThatThrownBy(() -> DynamicBatchRewriter.rewrite(model.toByteArray(), "tiny"))
                .isInstanceOf(ModelException.class).hasMessageContaining("Reshape flatten pins the batch to 1");
        assertThatThrownBy(() -> DynamicBatchRewriter.rewrite(new byte[] {1, 2, 3}, "junk"))
                .hasMessageContaining("'junk' is not a readable ONNX file");
    }

}
