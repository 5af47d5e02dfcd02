package io.facestream.decode;

import java.nio.charset.StandardCharsets;

/**
 * Reads the declared format and size from an encoded image's header, in plain Java, and
 * checks the file is complete (JPEG end-of-image marker, PNG IEND chunk). Every refusal
 * says why.
 */
public final class ImageHeaderReader {
    private ImageHeaderReader() {
    }

    public static ImageHeader read(byte[] data) {
        if (data == null || data.length == 0) {
            throw new ImageRefusedException("empty input (0 bytes)");
        }
        if (startsWith(data, 0, 0xFF, 0xD8, 0xFF)) {
            return jpeg(data);
        }
        if (startsWith(data, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return png(data);
        }
        if (startsWith(data, 0, 'G', 'I', 'F', '8')) {
            require(data, 10, "GIF");
            return new ImageHeader(ImageFormat.GIF, u16le(data, 6), u16le(data, 8), 3, false);
        }
        if (startsWith(data, 0, 'B', 'M')) {
            require(data, 26, "BMP");
            return new ImageHeader(ImageFormat.BMP, Math.abs((long) s32le(data, 18)), Math.abs((long) s32le(data, 22)), 3, false);
        }
        if (startsWith(data, 0, 'R', 'I', 'F', 'F') && startsWith(data, 8, 'W', 'E', 'B', 'P')) {
            return webp(data);
        }
        if (startsWith(data, 0, 'I', 'I', 42, 0) || startsWith(data, 0, 'M', 'M', 0, 42)) {
            return tiff(data);
        }
        throw new ImageRefusedException("not an image: unrecognised format (supported: JPEG, PNG, WebP, BMP, GIF, TIFF)"
                + describeStart(data));
    }

    private static ImageHeader jpeg(byte[] data) {
        int pos = 2;
        ImageHeader header = null;
        while (pos + 4 <= data.length) {
            if ((data[pos] & 0xFF) != 0xFF) {
                throw new ImageRefusedException("corrupt JPEG: expected a marker at byte " + pos);
            }
            int marker = data[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2;
                continue;
            }
            int length = u16be(data, pos + 2);
            if (length < 2) {
                throw new ImageRefusedException("corrupt JPEG: bad segment length at byte " + pos);
            }
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame && header == null) {
                require(data, pos + 10, "JPEG");
                int height = u16be(data, pos + 5);
                int width = u16be(data, pos + 7);
                int components = data[pos + 9] & 0xFF;
                header = new ImageHeader(ImageFormat.JPEG, width, height, components, false);
            }
            if (marker == 0xDA) { // start of scan: entropy-coded data follows up to the end-of-image marker
                if (header == null) {
                    throw new ImageRefusedException("corrupt JPEG: no frame header before the image data");
                }
                if (!hasEndOfImage(data, pos + 2 + length)) {
                    throw new ImageRefusedException("truncated JPEG: no end-of-image marker after the image data ("
                            + data.length + " bytes)");
                }
                return header;
            }
            pos += 2 + length;
        }
        throw new ImageRefusedException("truncated JPEG: ends after " + data.length + " bytes, before the image data");
    }

    /** In entropy-coded data every 0xFF is followed by 0x00 or a restart marker, so FF D9 is the real end. */
    private static boolean hasEndOfImage(byte[] data, int from) {
        for (int i = Math.max(from, 0); i + 1 < data.length; i++) {
            if ((data[i] & 0xFF) == 0xFF && (data[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static ImageHeader png(byte[] data) {
        require(data, 33, "PNG");
        if (!startsWith(data, 12, 'I', 'H', 'D', 'R')) {
            throw new ImageRefusedException("corrupt PNG: first chunk is not IHDR");
        }
        long width = u32be(data, 16);
        long height = u32be(data, 20);
        int colourType = data[25] & 0xFF;
        int channels = switch (colourType) {
            case 0 -> 1;
            case 4 -> 2;
            case 6 -> 4;
            default -> 3;
        };
        boolean alpha = colourType == 4 || colourType == 6;
        int pos = 8;
        while (true) {
            if (pos + 12 > data.length) {
                throw new ImageRefusedException("truncated PNG: ends after " + data.length + " bytes without an IEND chunk");
            }
            long length = u32be(data, pos);
            if (startsWith(data, pos + 4, 'I', 'E', 'N', 'D')) {
                return new ImageHeader(ImageFormat.PNG, width, height, channels, alpha);
            }
            if (startsWith(data, pos + 4, 't', 'R', 'N', 'S')) {
                alpha = true;
            }
            pos += 12 + length;
            if (pos < 0 || length > data.length) {
                throw new ImageRefusedException("truncated PNG: a chunk runs past the end of the data");
            }
        }
    }

    private static ImageHeader webp(byte[] data) {
        require(data, 30, "WebP");
        if (startsWith(data, 12, 'V', 'P', '8', ' ')) {
            return new ImageHeader(ImageFormat.WEBP, u16le(data, 26) & 0x3FFF, u16le(data, 28) & 0x3FFF, 3, false);
        }
        if (startsWith(data, 12, 'V', 'P', '8', 'L')) {
            long bits = u32le(data, 21);
            return new ImageHeader(ImageFormat.WEBP, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, 4, true);
        }
        if (startsWith(data, 12, 'V', 'P', '8', 'X')) {
            boolean alpha = (data[20] & 0x10) != 0;
            return new ImageHeader(ImageFormat.WEBP, u24le(data, 24) + 1, u24le(data, 27) + 1, alpha ? 4 : 3, alpha);
        }
        throw new ImageRefusedException("corrupt WebP: unknown chunk " + ascii(data, 12, 4));
    }

    private static ImageHeader tiff(byte[] data) {
        boolean little = data[0] == 'I';
        require(data, 8, "TIFF");
        long ifd = little ? u32le(data, 4) : u32be(data, 4);
        if (ifd + 2 > data.length) {
            throw new ImageRefusedException("truncated TIFF: the image directory lies past the end of the data");
        }
        int entries = little ? u16le(data, (int) ifd) : u16be(data, (int) ifd);
        long width = -1;
        long height = -1;
        for (int i = 0; i < entries; i++) {
            int entry = (int) ifd + 2 + i * 12;
            require(data, entry + 12, "TIFF");
            int tag = little ? u16le(data, entry) : u16be(data, entry);
            int type = little ? u16le(data, entry + 2) : u16be(data, entry + 2);
            long value = type == 3 ? (little ? u16le(data, entry + 8) : u16be(data, entry + 8))
                    : (little ? u32le(data, entry + 8) : u32be(data, entry + 8));
            if (tag == 256) {
                width = value;
            } else if (tag == 257) {
                height = value;
            }
        }
        if (width < 0 || height < 0) {
            throw new ImageRefusedException("corrupt TIFF: no width or height in the first image directory");
        }
        return new ImageHeader(ImageFormat.TIFF, width, height, 3, false);
    }

    private static void require(byte[] data, int length, String format) {
        if (data.length < length) {
            throw new ImageRefusedException("truncated " + format + ": only " + data.length + " bytes");
        }
    }

    private static boolean startsWith(byte[] data, int offset, int... expected) {
        if (data.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((data[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static String describeStart(byte[] data) {
        int printable = 0;
        int n = Math.min(data.length, 64);
        for (int i = 0; i < n; i++) {
            int b = data[i] & 0xFF;
            if (b == '\n' || b == '\r' || b == '\t' || (b >= 32 && b < 127)) {
                printable++;
            }
        }
        return printable == n ? "; it looks like text" : "";
    }

    private static String ascii(byte[] data, int offset, int length) {
        return new String(data, offset, length, StandardCharsets.ISO_8859_1);
    }

    private static int u16be(byte[] d, int o) {
        return ((d[o] & 0xFF) << 8) | (d[o + 1] & 0xFF);
    }

    private static int u16le(byte[] d, int o) {
        return (d[o] & 0xFF) | ((d[o + 1] & 0xFF) << 8);
    }

    private static long u24le(byte[] d, int o) {
        return (d[o] & 0xFF) | ((d[o + 1] & 0xFF) << 8) | ((long) (d[o + 2] & 0xFF) << 16);
    }

    private static long u32be(byte[] d, int o) {
        return ((long) (d[o] & 0xFF) << 24) | ((d[o + 1] & 0xFF) << 16) | ((d[o + 2] & 0xFF) << 8) | (d[o + 3] & 0xFF);
    }

    private static long u32le(byte[] d, int o) {
        return (d[o] & 0xFF) | ((d[o + 1] & 0xFF) << 8) | ((d[o + 2] & 0xFF) << 16) | ((long) (d[o + 3] & 0xFF) << 24);
    }

    private static int s32le(byte[] d, int o) {
        return (int) u32le(d, o);
    }
}
