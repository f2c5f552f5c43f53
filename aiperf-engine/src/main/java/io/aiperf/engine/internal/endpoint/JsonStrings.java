package io.aiperf.engine.internal.endpoint;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The strings of {@link JsonBytes}: checking their bytes as strictly as JSON and Unicode define
 * them (escapes as RFC 8259 lists them, well-formed UTF-8: shortest forms, no surrogates, at most
 * U+10FFFF, no raw control characters), eight bytes at a time where they are plain ASCII, and
 * decoding them to the text Jackson decodes.
 */
final class JsonStrings {
  /** A string's bytes hold an escape. */
  static final int ESCAPED = 1;
  /** A string's bytes hold a multi-byte UTF-8 sequence. */
  static final int NON_ASCII = 2;

  /** The bytes a string's plain run holds: printable ASCII but the quote and the backslash. */
  private static final boolean[] PLAIN = new boolean[256];
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  static {
    for (int c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  private JsonStrings() {}

  /**
   * Decodes a checked string, {@code b[start, stop)} between its quotes, as Jackson does.
   *
   * @param flags what {@link #check} found in it
   */
  static String decode(byte[] b, int start, int stop, int flags) {
    return switch (flags) {
      // Every byte is ASCII: a Latin-1 copy is the decoding.
      case 0 -> new String(b, start, stop - start, StandardCharsets.ISO_8859_1);
      // Well-formed UTF-8 decodes the same everywhere.
      case NON_ASCII -> new String(b, start, stop - start, StandardCharsets.UTF_8);
      default -> unescape(b, start, stop);
    };
  }

  /**
   * Checks a string's bytes, {@code b[from, end)} from after its opening quote.
   *
   * @return the position after its closing quote, in the low 32 bits; in the high 32, whether
   *     the string has escapes ({@link #ESCAPED}) or non-ASCII text ({@link #NON_ASCII})
   */
  static long check(byte[] b, int from, int end) throws OnePass.NeedsTree {
    int flags = 0;
    int i = from;
    while (true) {
      // Eight bytes at a time while none needs a look: most strings are plain ASCII.
      while (i <= end - Long.BYTES) {
        long special = special((long) LONGS.get(b, i));
        if (special != 0) {
          i += Long.numberOfTrailingZeros(special) >>> 3;
          break;
        }
        i += Long.BYTES;
      }
      while (i < end && PLAIN[b[i] & 0xff]) {
        i++;
      }
      if (i >= end) {
        throw new OnePass.NeedsTree();
      }
      int c = b[i] & 0xff;
      if (c == '"') {
        return (long) flags << 32 | (i + 1);
      } else if (c == '\\') {
        flags |= ESCAPED;
        i = escape(b, i + 1, end);
      } else if (c >= 0x80) {
        flags |= NON_ASCII;
        i = utf8(b, c, i, end);
      } else {
        throw new OnePass.NeedsTree(); // a control character: JSON escapes them
      }
    }
  }

  /**
   * Marks the bytes of a little-endian word that end a plain run in a string: a quote, a
   * backslash, a control character or a non-ASCII byte. Exact up to the first marked byte (the
   * lowest), which is all the caller reads: borrows only carry upwards from a marked byte.
   */
  private static long special(long w) {
    long quote = w ^ 0x2222222222222222L;
    long backslash = w ^ 0x5c5c5c5c5c5c5c5cL;
    long zeroQuote = (quote - 0x0101010101010101L) & ~quote;
    long zeroBackslash = (backslash - 0x0101010101010101L) & ~backslash;
    // High where a byte is below 0x20; bytes of 0x80 and up are marked by w's own high bits.
    long control = w - 0x2020202020202020L;
    return (zeroQuote | zeroBackslash | control | w) & 0x8080808080808080L;
  }

  /** Checks an escape, from after its backslash; the position after it. */
  private static int escape(byte[] b, int i, int end) throws OnePass.NeedsTree {
    if (i >= end) {
      throw new OnePass.NeedsTree();
    }
    switch (b[i]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        return i + 1;
      }
      case 'u' -> {
        if (end - i < 5) {
          throw new OnePass.NeedsTree();
        }
        for (int k = 1; k <= 4; k++) {
          if (hex(b[i + k]) < 0) {
            throw new OnePass.NeedsTree();
          }
        }
        return i + 5;
      }
      default -> throw new OnePass.NeedsTree();
    }
  }

  /**
   * Checks a multi-byte UTF-8 sequence at {@code i}, whose first byte is {@code c}: well-formed
   * as Unicode defines it (shortest form, no surrogates, at most U+10FFFF).
   *
   * @return the position after it
   */
  private static int utf8(byte[] b, int c, int i, int end) throws OnePass.NeedsTree {
    int n;
    int min = 0x80;
    int max = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c == 0xe0) {
        min = 0xa0;
      } else if (c == 0xed) {
        max = 0x9f;
      }
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c == 0xf0) {
        min = 0x90;
      } else if (c == 0xf4) {
        max = 0x8f;
      }
    } else {
      throw new OnePass.NeedsTree();
    }
    if (end - i <= n) {
      throw new OnePass.NeedsTree();
    }
    int second = b[i + 1] & 0xff;
    if (second < min || second > max) {
      throw new OnePass.NeedsTree();
    }
    for (int k = 2; k <= n; k++) {
      if ((b[i + k] & 0xc0) != 0x80) {
        throw new OnePass.NeedsTree();
      }
    }
    return i + n + 1;
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Decodes a checked string with escapes, {@code b[start, stop)}, as Jackson does. */
  private static String unescape(byte[] b, int start, int stop) {
    // Never more chars than bytes: an escape shrinks, a UTF-8 sequence gives at most as many.
    char[] out = new char[stop - start];
    int n = 0;
    int i = start;
    while (i < stop) {
      int c = b[i] & 0xff;
      if (c == '\\') {
        byte e = b[i + 1];
        i += 2;
        switch (e) {
          case 'b' -> out[n++] = '\b';
          case 'f' -> out[n++] = '\f';
          case 'n' -> out[n++] = '\n';
          case 'r' -> out[n++] = '\r';
          case 't' -> out[n++] = '\t';
          case 'u' -> {
            // Jackson keeps each escaped UTF-16 unit as it is, paired or not.
            out[n++] = (char) (hex(b[i]) << 12 | hex(b[i + 1]) << 8 | hex(b[i + 2]) << 4
                | hex(b[i + 3]));
            i += 4;
          }
          default -> out[n++] = (char) e; // '"', '\\' and '/'
        }
      } else if (c < 0x80) {
        out[n++] = (char) c;
        i++;
      } else if (c < 0xe0) {
        out[n++] = (char) ((c & 0x1f) << 6 | (b[i + 1] & 0x3f));
        i += 2;
      } else if (c < 0xf0) {
        out[n++] = (char) ((c & 0x0f) << 12 | (b[i + 1] & 0x3f) << 6 | (b[i + 2] & 0x3f));
        i += 3;
      } else {
        int cp = (c & 0x07) << 18 | (b[i + 1] & 0x3f) << 12 | (b[i + 2] & 0x3f) << 6
            | (b[i + 3] & 0x3f);
        out[n++] = Character.highSurrogate(cp);
        out[n++] = Character.lowSurrogate(cp);
        i += 4;
      }
    }
    return new String(out, 0, n);
  }
}
