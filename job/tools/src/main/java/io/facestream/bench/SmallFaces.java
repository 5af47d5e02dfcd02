package io.facestream.bench;

import io.facestream.detect.DetectedFace;
import io.facestream.embed.Vectors;
import io.facestream.pipeline.Face;
import io.facestream.pipeline.FacePipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * What a distant street camera delivers, made from the labelled sample photos: each photo scaled so its face is
 * {@code size} pixels wide (the detector's box on the original), placed at two random spots of a 640x480 grey,
 * slightly noisy frame, saved as JPEG quality 30. Each frame goes through the pipeline as a camera frame would: the
 * face counts as detected when a face's box overlaps where it was put (IoU >= 0.3), and its embedding is verified
 * against the full-size embeddings of every other labelled photo (same person: should score at or above the
 * threshold; another person: below). Sizes are of the face's box, as RetinaFace draws it (forehead to chin).
 */
public final class SmallFaces {
    public static final int FRAME_WIDTH = 640;
    public static final int FRAME_HEIGHT = 480;
    public static final int JPEG_QUALITY = 30;
    static final int PLACEMENTS = 2;
    static final double MATCH_IOU = 0.3;

    /** One face size's figures. {@code size} 0: the original photos. */
    public record Row(int size, int faces, int detected, int falsePositives, int genuinePairs, int genuineAccepted,
                      int impostorPairs, int impostorsRejected) {
        public double detection() {
            return faces == 0 ? 0 : (double) detected / faces;
        }

        /** Right decisions over all pairs of the detected faces with the gallery's full-size photos. */
        public double accuracy() {
            int pairs = genuinePairs + impostorPairs;
            return pairs == 0 ? 0 : (double) (genuineAccepted + impostorsRejected) / pairs;
        }

        public double genuineAcceptRate() {
            return genuinePairs == 0 ? 0 : (double) genuineAccepted / genuinePairs;
        }

        public double impostorRejectRate() {
            return impostorPairs == 0 ? 0 : (double) impostorsRejected / impostorPairs;
        }
    }

    /** A labelled photo's face at full size: where it is and its embedding (the gallery's template). */
    private record Original(Path photo, String person, byte[] bytes, DetectedFace face, float[] embedding) {
    }

    private final FacePipeline pipeline;
    private final List<Original> originals = new ArrayList<>();
    /** Where the first placement of each photo at each size is saved, for people to look at; null: nowhere. */
    private Path framesDirectory;

    /** Analyses the full-size photos once (each must show one face). */
    public SmallFaces(FacePipeline pipeline, Map<Path, String> labelled) throws java.io.IOException {
        this.pipeline = pipeline;
        for (Map.Entry<Path, String> photo : labelled.entrySet()) {
            byte[] bytes = Files.readAllBytes(photo.getKey());
            Face face = pipeline.analyze(bytes, true).largestFace();
            if (face == null) {
                throw new IllegalStateException("no face in the full-size photo " + photo.getKey());
            }
            originals.add(new Original(photo.getKey(), photo.getValue(), bytes, face.detection(), face.embedding()));
        }
    }

    /** Saves the first frame of each photo at each size under {@code directory}, as {@code <size>px-<photo>.jpg}. */
    public SmallFaces savingFramesTo(Path directory) throws java.io.IOException {
        Files.createDirectories(directory);
        this.framesDirectory = directory;
        return this;
    }

    /** The original photos as they are: detection and verification at full size. */
    public Row fullSize() {
        return evaluate(0, originals.stream().map(o -> new Placed(o, o.bytes(), o.face())).toList());
    }

    /** Faces {@code size} pixels wide in degraded 640x480 frames. */
    public Row atSize(int size) {
        List<Placed> placed = new ArrayList<>();
        for (int i = 0; i < originals.size(); i++) {
            for (int k = 0; k < PLACEMENTS; k++) {
                Placed frame = place(originals.get(i), size, new Random(31L * (31L * size + i) + k));
                placed.add(frame);
                if (framesDirectory != null && k == 0) {
                    save(frame, size);
                }
            }
        }
        return evaluate(size, placed);
    }

    /** The degraded frames of one size, as JPEG (for timing the detector on them). */
    public List<byte[]> frames(int size) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < originals.size(); i++) {
            for (int k = 0; k < PLACEMENTS; k++) {
                frames.add(place(originals.get(i), size, new Random(31L * (31L * size + i) + k)).jpeg());
            }
        }
        return frames;
    }

    public Map<Integer, Row> atSizes(int... sizes) {
        Map<Integer, Row> rows = new LinkedHashMap<>();
        for (int size : sizes) {
            rows.put(size, atSize(size));
        }
        return rows;
    }

    /** A frame to analyse and where its face is. */
    private record Placed(Original original, byte[] jpeg, DetectedFace expected) {
    }

    private Row evaluate(int size, List<Placed> placed) {
        double threshold = pipeline.settings().matchThreshold();
        int detected = 0;
        int falsePositives = 0;
        int genuinePairs = 0;
        int genuineAccepted = 0;
        int impostorPairs = 0;
        int impostorsRejected = 0;
        for (Placed frame : placed) {
            List<Face> faces = pipeline.analyze(frame.jpeg(), true).faces();
            Face found = null;
            double bestIou = MATCH_IOU;
            for (Face face : faces) {
                double iou = face.detection().iou(frame.expected());
                if (iou >= bestIou) {
                    bestIou = iou;
                    found = face;
                }
            }
            falsePositives += faces.size() - (found == null ? 0 : 1);
            if (found == null) {
                continue;
            }
            detected++;
            for (Original other : originals) {
                if (other == frame.original()) {
                    continue; // not against its own photo: that would be easy
                }
                boolean accepted = Vectors.dot(found.embedding(), other.embedding()) >= threshold;
                if (other.person().equals(frame.original().person())) {
                    genuinePairs++;
                    genuineAccepted += accepted ? 1 : 0;
                } else {
                    impostorPairs++;
                    impostorsRejected += accepted ? 0 : 1;
                }
            }
        }
        return new Row(size, placed.size(), detected, falsePositives, genuinePairs, genuineAccepted, impostorPairs,
                impostorsRejected);
    }

    /** The photo scaled so its face is {@code size} wide, at a random spot of a grey frame, as JPEG q30. */
    private static Placed place(Original original, int size, Random random) {
        Mat photo = Imgcodecs.imdecode(new MatOfByte(original.bytes()), Imgcodecs.IMREAD_COLOR);
        Mat scaled = new Mat();
        Mat frame = new Mat(FRAME_HEIGHT, FRAME_WIDTH, CvType.CV_8UC3);
        DetectedFace face = original.face();
        try {
            double scale = size / (double) face.width();
            Imgproc.resize(photo, scaled, new Size(Math.max(1, Math.round(photo.cols() * scale)),
                    Math.max(1, Math.round(photo.rows() * scale))), 0, 0, Imgproc.INTER_AREA);
            // A photo larger than the frame is cut around its face.
            int width = Math.min(scaled.cols(), FRAME_WIDTH);
            int height = Math.min(scaled.rows(), FRAME_HEIGHT);
            int cropX = clamp((int) Math.round((face.x1() + face.x2()) / 2 * scale - width / 2.0), 0, scaled.cols() - width);
            int cropY = clamp((int) Math.round((face.y1() + face.y2()) / 2 * scale - height / 2.0), 0, scaled.rows() - height);
            int x = random.nextInt(FRAME_WIDTH - width + 1);
            int y = random.nextInt(FRAME_HEIGHT - height + 1);
            Core.setRNGSeed(random.nextInt()); // the same frames on every run
            Core.randn(frame, 110, 6);
            Mat from = scaled.submat(new Rect(cropX, cropY, width, height));
            Mat to = frame.submat(new Rect(x, y, width, height));
            from.copyTo(to);
            from.release();
            to.release();
            MatOfByte jpeg = new MatOfByte();
            Imgcodecs.imencode(".jpg", frame, jpeg, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, JPEG_QUALITY));
            float dx = x - cropX;
            float dy = y - cropY;
            DetectedFace expected = new DetectedFace((float) (face.x1() * scale) + dx, (float) (face.y1() * scale) + dy,
                    (float) (face.x2() * scale) + dx, (float) (face.y2() * scale) + dy, 1f, new float[10]);
            return new Placed(original, jpeg.toArray(), expected);
        } finally {
            photo.release();
            scaled.release();
            frame.release();
        }
    }

    private void save(Placed frame, int size) {
        try {
            Files.write(framesDirectory.resolve(size + "px-" + frame.original().photo().getFileName()), frame.jpeg());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
