package io.facestream.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;

/** A model file rewritten when it loads (its batch or image size made dynamic), and what was changed, for the log. */
public record ModelRewrite(byte[] model, List<String> changes) {

    /** The ONNX protobuf of a model file, or a ModelException naming the model. */
    static ModelProto parse(byte[] modelBytes, String modelId) {
        try {
            return ModelProto.parseFrom(modelBytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException("model '" + modelId + "' is not a readable ONNX file: " + e.getMessage(), e);
        }
    }
}
