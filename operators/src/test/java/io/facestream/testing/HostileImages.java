package io.facestream.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Small, well-formed images whose headers lie about their size: what a decode limit must stop. */
public final class HostileImages {
    private HostileImages() {
    }

    /** A complete PNG (IHDR with valid CRC, empty IDAT, IEND) whose header declares width x height. */
    public static byte[] pngDeclaring(int width, int height) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 25 + 12 + 12);
        buffer.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        byte[] ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array();
        chunk(buffer, ihdr);
        chunk(buffer, "IDAT".getBytes(StandardCharsets.US_ASCII));
        chunk(buffer, "IEND".getBytes(StandardCharsets.US_ASCII));
        return buffer.array();
    }

    /** SOI, a baseline SOF0 declaring width x height, a minimal SOS and EOI. */
    public static byte[] jpegDeclaring(int width, int height) {
        ByteBuffer buffer = ByteBuffer.allocate(2 + 2 + 17 + 2 + 12 + 2 + 2);
        buffer.put(new byte[] {(byte) 0xFF, (byte) 0xD8});
        buffer.put(new byte[] {(byte) 0xFF, (byte) 0xC0}).putShort((short) 17).put((byte) 8)
                .putShort((short) height).putShort((short) width).put((byte) 3)
                .put(new byte[] {1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0});
        buffer.put(new byte[] {(byte) 0xFF, (byte) 0xDA}).putShort((short) 12)
                .put(new byte[] {3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0});
        buffer.put(new byte[] {0x55, 0x55});
        buffer.put(new byte[] {(byte) 0xFF, (byte) 0xD9});
        return buffer.array();
    }

    private static void chunk(ByteBuffer buffer, byte[] typeAndData) {
        CRC32 crc = new CRC32();
        crc.update(typeAndData);
        buffer.putInt(typeAndData.length - 4).put(typeAndData).putInt((int) crc.getValue());
    }
}
