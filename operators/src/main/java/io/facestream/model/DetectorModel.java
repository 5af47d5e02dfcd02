package io.facestream.model;

import java.io.Serializable;

/**
 * A face detector entry of the manifest. {@code sizeMultiple} &gt; 0: the network is fully convolutional and takes
 * any input height and width that are multiples of it (its largest stride), so a frame can run at its own size;
 * 0: only the input's fixed shape.
 */
public record DetectorModel(String id, ModelFile file, InputSpec input, RetinaFaceSpec decoder,
                            double defaultScoreThreshold, double defaultNmsIou, int sizeMultiple) implements Serializable {
}
