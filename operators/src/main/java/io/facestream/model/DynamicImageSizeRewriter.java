package io.facestream.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the height and width of a fully convolutional model's NCHW image input (and of its NCHW outputs) symbolic, so
 * one session takes images of any size the manifest allows ({@code sizeMultiple}): a 640x480 frame runs as 640x480
 * instead of padded to 640x640, and a small region can run small. Only the declared shapes change; the manifest says
 * whether the network itself is size-agnostic (RetinaFace is: its Reshapes copy or infer every spatial dimension).
 */
public final class DynamicImageSizeRewriter {
    public static final String HEIGHT = "height";
    public static final String WIDTH = "width";

    private DynamicImageSizeRewriter() {
    }

    public static ModelRewrite rewrite(byte[] modelBytes, String modelId) {
        ModelProto model = ModelRewrite.parse(modelBytes, modelId);
        List<String> changes = new ArrayList<>();
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInputCount(); i++) {
            graph.setInput(i, spatialDynamic(graph.getInput(i), HEIGHT, WIDTH, changes));
        }
        for (int i = 0; i < graph.getOutputCount(); i++) {
            // Each output's feature map has its own size (a stride apart): a name per output.
            graph.setOutput(i, spatialDynamic(graph.getOutput(i), "out" + i + "_" + HEIGHT, "out" + i + "_" + WIDTH, changes));
        }
        if (graph.getValueInfoCount() > 0) {
            changes.add("dropped " + graph.getValueInfoCount() + " intermediate shape annotations");
            graph.clearValueInfo();
        }
        return new ModelRewrite(model.toBuilder().setGraph(graph).build().toByteArray(), changes);
    }

    private static ValueInfoProto spatialDynamic(ValueInfoProto value, String height, String width, List<String> changes) {
        if (!value.getType().hasTensorType() || value.getType().getTensorType().getShape().getDimCount() != 4) {
            return value;
        }
        ValueInfoProto.Builder builder = value.toBuilder();
        TensorShapeProto.Builder shape = builder.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        shape.setDim(2, TensorShapeProto.Dimension.newBuilder().setDimParam(height));
        shape.setDim(3, TensorShapeProto.Dimension.newBuilder().setDimParam(width));
        changes.add(value.getName() + ": height and width dynamic");
        return builder.build();
    }
}
