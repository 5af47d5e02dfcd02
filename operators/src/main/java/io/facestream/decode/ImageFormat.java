package io.facestream.decode;

/** Encoded image formats whose dimensions can be read from the header before decoding. */
public enum ImageFormat { JPEG, PNG, GIF, BMP, WEBP, TIFF }
