package io.facestream.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.facestream.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class ImageHeaderReaderTest {
    @BeforeAll
    static void loadOpenCv() {
        OpenCvLoader.ensureLoaded();
    }

    @Test
    void readsJpegAndPngSizesFromRealFiles() {
        ImageHeader jpeg = ImageHeaderReader.read(TestData.bytes(TestData.sample("face-api", "sample1.jpg")));
        assertThat(jpeg.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(jpeg.width()).isEqualTo(1920);
        assertThat(jpeg.height()).isEqualTo(1280);
        ImageHeader png = ImageHeaderReader.read(TestData.bytes(TestData.sample("tracking", "faces.png")));
        assertThat(png.format()).isEqualTo(ImageFormat.PNG);
        assertThat(png.width()).isPositive();
    }

    @Test
    void readsEveryFormatOpenCvWrites() {
        Mat image = new Mat(37, 53, CvType.CV_8UC3, new Scalar(10, 20, 30));
        for (String extension : new String[] {".jpg", ".png", ".bmp", ".webp", ".tiff"}) {
            ImageHeader header = ImageHeaderReader.read(ImageDecoderTest.encode(image, extension));
            assertThat(header.width()).as(extension).isEqualTo(53);
            assertThat(header.height()).as(extension).isEqualTo(37);
        }
    }

    @Test
    void readsTheHugeSizeAHostileHeaderDeclares() {
        ImageHeader header = ImageHeaderReader.read(io.facestream.testing.HostileImages.pngDeclaring(100_000, 100_000));
        assertThat(header.pixels()).isEqualTo(10_000_000_000L);
    }

    @Test
    void jpegWithoutAFrameHeaderIsRefused() {
        byte[] data = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 4, 0, 0, (byte) 0xFF, (byte) 0xD9};
        assertThatThrownBy(() -> ImageHeaderReader.read(data)).hasMessage("corrupt JPEG: no frame header before the image data");
    }
}
