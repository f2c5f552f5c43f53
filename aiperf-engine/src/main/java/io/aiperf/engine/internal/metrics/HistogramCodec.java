package io.aiperf.engine.internal.metrics;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.DoubleHistogram;

/** HdrHistogram's compressed V2 encoding, base64: how distributions travel in exports. */
public final class HistogramCodec {
  private HistogramCodec() {}

  /**
   * Encodes a histogram.
   *
   * @param h the histogram
   * @return base64 of the compressed encoding
   */
  public static String encode(DoubleHistogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer, 9);
    byte[] bytes = new byte[length];
    buffer.flip();
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * Decodes a histogram.
   *
   * @param base64 what {@link #encode} wrote
   * @return the histogram
   * @throws IllegalArgumentException if the text is not an encoded histogram
   */
  public static DoubleHistogram decode(String base64) {
    try {
      return DoubleHistogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (DataFormatException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Not an encoded HdrHistogram: " + e.getMessage(), e);
    }
  }
}
