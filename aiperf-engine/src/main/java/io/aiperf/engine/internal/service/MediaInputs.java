package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.Media;
import java.util.Base64;
import java.util.List;

/**
 * What a request's images and audio amount to, for AIPerf's image and audio metrics: how many
 * images, and how many seconds of audio (read from each WAV clip's header; other formats are
 * not decoded and count nothing). Called when a record is built, after the request ended.
 */
final class MediaInputs {
  /** Base64 characters enough for a WAV header with a few extra chunks before its data. */
  private static final int HEADER_CHARS = 4096;

  private MediaInputs() {}

  static int images(List<Media> media) {
    int n = 0;
    for (Media m : media) {
      n += m.kind() == Media.Kind.IMAGE ? 1 : 0;
    }
    return n;
  }

  static double audioSeconds(List<Media> media) {
    double seconds = 0;
    for (Media m : media) {
      if (m.kind() == Media.Kind.AUDIO && m.format().equals("wav")) {
        seconds += wavSeconds(m.data());
      }
    }
    return seconds;
  }

  /** A base64 WAV file's length in seconds, from its fmt and data chunk headers; 0 if unknown. */
  static double wavSeconds(String base64) {
    String head = base64.substring(0, Math.min(base64.length(), HEADER_CHARS) & ~3);
    byte[] b;
    try {
      b = Base64.getDecoder().decode(head);
    } catch (IllegalArgumentException e) {
      return 0;
    }
    if (b.length < 12 || b[0] != 'R' || b[1] != 'I' || b[2] != 'F' || b[3] != 'F') {
      return 0;
    }
    long byteRate = 0;
    int at = 12;
    while (at + 8 <= b.length) {
      long size = le32(b, at + 4);
      if (b[at] == 'f' && b[at + 1] == 'm' && b[at + 2] == 't' && at + 16 <= b.length) {
        byteRate = le32(b, at + 16);
      } else if (b[at] == 'd' && b[at + 1] == 'a' && b[at + 2] == 't' && b[at + 3] == 'a') {
        // The data chunk's size is its header's; the whole file need not be decoded.
        long total = (long) (base64.length() / 4.0 * 3) - at - 8;
        long data = Math.min(size, Math.max(0, total));
        return byteRate > 0 ? data / (double) byteRate : 0;
      }
      long next = at + 8L + size + (size & 1);
      if (next > Integer.MAX_VALUE) {
        return 0;
      }
      at = (int) next;
    }
    return 0;
  }

  private static long le32(byte[] b, int at) {
    return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }
}
