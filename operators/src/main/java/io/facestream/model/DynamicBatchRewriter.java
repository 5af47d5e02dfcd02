package io.facestream.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the batch dimension of an ONNX model dynamic, so one inference call can take several
 * images: graph inputs and outputs whose first dimension is 1 get the symbolic dimension
 * "batch", and Reshape shape constants that pin the batch to 1 follow the batch instead (-1, or 0
 * = copy it from the input where another dimension is inferred). The rest of the graph is
 * untouched, so at batch 1 the model computes exactly what the original does (tests compare).
 * Works on the protobuf (ONNX's own message classes), never by guessing from names.
 */
public final class DynamicBatchRewriter {
    public static final String BATCH = "batch";

    private DynamicBatchRewriter() {
    }

    public static ModelRewrite rewrite(byte[] modelBytes, String modelId) {
        ModelProto model = ModelRewrite.parse(modelBytes, modelId);
        List<String> changes = new ArrayList<>();
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInputCount(); i++) {
            graph.setInput(i, batchDynamic(graph.getInput(i), "input", changes));
        }
        for (int i = 0; i < graph.getOutputCount(); i++) {
            graph.setOutput(i, batchDynamic(graph.getOutput(i), "output", changes));
        }
        if (graph.getValueInfoCount() > 0) {
            // Intermediate shape annotations would still say batch 1; ONNX Runtime infers them again.
            changes.add("dropped " + graph.getValueInfoCount() + " intermediate shape annotations");
            graph.clearValueInfo();
        }
        Map<String, Integer> initializers = new HashMap<>();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            initializers.put(graph.getInitializer(i).getName(), i);
        }
        for (NodeProto node : graph.getNodeList()) {
            if (!node.getOpType().equals("Reshape") || node.getInputCount() < 2) {
                continue;
            }
            Integer index = initializers.get(node.getInput(1));
            if (index == null) {
                continue; // shape computed at run time (e.g. from Shape), not a pinned constant
            }
            TensorProto shape = graph.getInitializer(index);
            long[] dims = int64s(shape);
            if (dims.length < 2 || dims[0] != 1) {
                continue; // 0 copies the input's batch; anything else does not pin it to 1
            }
            boolean infersAnother = java.util.Arrays.stream(dims).anyMatch(dim -> dim == -1);
            boolean zeroIsLiteral = node.getAttributeList().stream()
                    .anyMatch(attribute -> attribute.getName().equals("allowzero") && attribute.getI() == 1);
            if (infersAnother && zeroIsLiteral) {
                throw new ModelException("model '" + modelId + "': Reshape " + node.getName() + " pins the batch to 1, "
                        + "infers another dimension (" + java.util.Arrays.toString(dims) + ") and has allowzero=1; "
                        + "it cannot be made batch-dynamic automatically");
            }
            long[] rewritten = dims.clone();
            // -1 lets the batch be inferred; where another dimension is already inferred (a flatten such as
            // [1, -1]), 0 copies the batch from the input instead.
            rewritten[0] = infersAnother ? 0 : -1;
            graph.setInitializer(index, withInt64s(shape, rewritten));
            changes.add("Reshape " + node.getName() + " shape " + java.util.Arrays.toString(dims) + " -> "
                    + java.util.Arrays.toString(rewritten));
        }
        return new ModelRewrite(model.toBuilder().setGraph(graph).build().toByteArray(), changes);
    }

    private static ValueInfoProto batchDynamic(ValueInfoProto value, String role, List<String> changes) {
        if (!value.getType().hasTensorType() || value.getType().getTensorType().getShape().getDimCount() == 0) {
            return value;
        }
        TensorShapeProto.Dimension first = value.getType().getTensorType().getShape().getDim(0);
        if (!first.hasDimValue() || first.getDimValue() != 1) {
            return value;
        }
        ValueInfoProto.Builder builder = value.toBuilder();
        builder.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0,
                TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        changes.add(role + " " + value.getName() + ": batch 1 -> " + BATCH);
        return builder.build();
    }

    static long[] int64s(TensorProto tensor) {
        if (tensor.getDataType() != TensorProto.DataType.INT64_VALUE) {
            return new long[0];
        }
        if (!tensor.getRawData().isEmpty()) {
            ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long[] values = new long[raw.remaining() / Long.BYTES];
            for (int i = 0; i < values.length; i++) {
                values[i] = raw.getLong();
            }
            return values;
        }
        return tensor.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    private static TensorProto withInt64s(TensorProto tensor, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            raw.putLong(value);
        }
        raw.flip();
        return tensor.toBuilder().clearInt64Data().setRawData(ByteString.copyFrom(raw)).build();
    }
}
