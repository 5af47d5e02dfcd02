package io.facestream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one place model facts live ({@code models/models.json}): files, checksums, tensor names
 * and shapes, channel order, normalisation, decoder parameters and default thresholds.
 */
public final class ModelManifest implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Path file;
    private final Map<String, DetectorModel> detectors;
    private final Map<String, RecognizerModel> recognizers;

    private ModelManifest(Path file, Map<String, DetectorModel> detectors, Map<String, RecognizerModel> recognizers) {
        this.file = file;
        this.detectors = detectors;
        this.recognizers = recognizers;
    }

    public static ModelManifest load(Path manifestFile) {
        if (!Files.isRegularFile(manifestFile)) {
            throw new ModelException("model manifest " + manifestFile + " does not exist");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(manifestFile.toFile());
        } catch (IOException e) {
            throw new ModelException("model manifest " + manifestFile + " is not valid JSON: " + e.getMessage(), e);
        }
        Path baseDir = manifestFile.toAbsolutePath().getParent();
        Map<String, DetectorModel> detectors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("detectors").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            detectors.put(entry.getKey(), parseDetector(new Reader(manifestFile, entry.getKey(), entry.getValue()), baseDir));
        }
        Map<String, RecognizerModel> recognizers = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("recognizers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            recognizers.put(entry.getKey(), parseRecognizer(new Reader(manifestFile, entry.getKey(), entry.getValue()), baseDir));
        }
        return new ModelManifest(manifestFile, detectors, recognizers);
    }

    public DetectorModel detector(String id) {
        DetectorModel model = detectors.get(id);
        if (model == null) {
            throw new ModelException("model manifest " + file + " has no detector '" + id + "'; it has " + detectors.keySet());
        }
        return model;
    }

    public RecognizerModel recognizer(String id) {
        RecognizerModel model = recognizers.get(id);
        if (model == null) {
            throw new ModelException("model manifest " + file + " has no recognizer '" + id + "'; it has " + recognizers.keySet());
        }
        return model;
    }

    public Path file() {
        return file;
    }

    private static DetectorModel parseDetector(Reader entry, Path baseDir) {
        JsonNode decoder = entry.required("decoder");
        String kind = entry.text(decoder, "kind");
        if (!kind.equals("retinaface")) {
            throw entry.error("decoder.kind '" + kind + "' is not supported (supported: retinaface)");
        }
        int[] strides = entry.ints(decoder, "strides");
        Map<Integer, int[]> anchorSizes = new TreeMap<>();
        JsonNode sizes = entry.child(decoder, "anchorSizes");
        for (int stride : strides) {
            anchorSizes.put(stride, entry.ints(sizes, Integer.toString(stride)));
        }
        JsonNode outputs = entry.child(decoder, "outputs");
        RetinaFaceSpec spec = new RetinaFaceSpec(strides, anchorSizes,
                (float) entry.number(decoder, "anchorCentreOffset"), (float) entry.number(decoder, "boxVariance"),
                (float) entry.number(decoder, "landmarkStd"), entry.text(outputs, "scores"),
                entry.text(outputs, "boxes"), entry.text(outputs, "landmarks"));
        JsonNode defaults = entry.required("defaults");
        JsonNode sizeMultiple = entry.required("input").path("sizeMultiple");
        if (!sizeMultiple.isMissingNode() && (!sizeMultiple.canConvertToInt() || sizeMultiple.asInt() <= 0
                || sizeMultiple.asInt() % java.util.Arrays.stream(strides).max().orElse(1) != 0)) {
            throw entry.error("input.sizeMultiple must be a positive multiple of every stride, e.g. 32");
        }
        return new DetectorModel(entry.id, entry.modelFile(baseDir), entry.input(), spec,
                entry.number(defaults, "scoreThreshold"), entry.number(defaults, "nmsIou"), sizeMultiple.asInt(0));
    }

    private static RecognizerModel parseRecognizer(Reader entry, Path baseDir) {
        JsonNode output = entry.required("output");
        JsonNode alignment = entry.required("alignment");
        JsonNode template = entry.child(alignment, "template");
        if (!template.isArray() || template.size() != 5) {
            throw entry.error("alignment.template must list 5 [x, y] points");
        }
        float[][] points = new float[5][2];
        for (int i = 0; i < 5; i++) {
            points[i][0] = (float) template.get(i).get(0).asDouble();
            points[i][1] = (float) template.get(i).get(1).asDouble();
        }
        InputSpec input = entry.input();
        int[] size = entry.ints(alignment, "size");
        if (size.length != 2 || size[0] != input.width() || size[1] != input.height()) {
            throw entry.error("alignment.size must equal the input's width and height " + input.width() + "x" + input.height());
        }
        JsonNode defaults = entry.required("defaults");
        return new RecognizerModel(entry.id, entry.modelFile(baseDir), input, entry.text(output, "name"),
                (int) entry.number(output, "dimension"), points, entry.number(defaults, "matchThreshold"));
    }

    /** Reads one manifest entry; every error names the manifest, the entry and the field. */
    private record Reader(Path manifest, String id, JsonNode node) {
        ModelException error(String what) {
            return new ModelException("model manifest " + manifest + ", entry '" + id + "': " + what);
        }

        JsonNode required(String field) {
            return child(node, field);
        }

        JsonNode child(JsonNode parent, String field) {
            JsonNode child = parent.get(field);
            if (child == null || child.isNull()) {
                throw error("missing field '" + field + "'");
            }
            return child;
        }

        String text(JsonNode parent, String field) {
            JsonNode child = child(parent, field);
            if (!child.isTextual()) {
                throw error("field '" + field + "' must be a string");
            }
            return child.asText();
        }

        double number(JsonNode parent, String field) {
            JsonNode child = child(parent, field);
            if (!child.isNumber()) {
                throw error("field '" + field + "' must be a number");
            }
            return child.asDouble();
        }

        int[] ints(JsonNode parent, String field) {
            JsonNode child = child(parent, field);
            if (!child.isArray()) {
                throw error("field '" + field + "' must be an array of integers");
            }
            int[] values = new int[child.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = child.get(i).asInt();
            }
            return values;
        }

        float[] floats3(JsonNode parent, String field) {
            JsonNode child = child(parent, field);
            if (!child.isArray() || child.size() != 3) {
                throw error("field '" + field + "' must list 3 numbers, one per channel");
            }
            return new float[] {(float) child.get(0).asDouble(), (float) child.get(1).asDouble(), (float) child.get(2).asDouble()};
        }

        ModelFile modelFile(Path baseDir) {
            Path path = Path.of(text(node, "file"));
            String sha256 = text(node, "sha256");
            if (!sha256.matches("[0-9a-fA-F]{64}")) {
                throw error("sha256 must be 64 hex digits");
            }
            return ModelFile.of(id, path.isAbsolute() ? path : baseDir.resolve(path), sha256);
        }

        InputSpec input() {
            JsonNode input = required("input");
            int[] shape = ints(input, "shape");
            if (shape.length != 4 || shape[1] != 3) {
                throw error("input.shape must be NCHW with 3 channels, e.g. [1, 3, 112, 112]");
            }
            InputSpec.ChannelOrder order;
            try {
                order = InputSpec.ChannelOrder.valueOf(text(input, "channelOrder"));
            } catch (IllegalArgumentException e) {
                throw error("input.channelOrder must be RGB or BGR");
            }
            float[] std = floats3(input, "std");
            for (float s : std) {
                if (s == 0f) {
                    throw error("input.std may not be 0");
                }
            }
            return new InputSpec(text(input, "name"), new long[] {shape[0], shape[1], shape[2], shape[3]}, order,
                    floats3(input, "mean"), std);
        }
    }
}
