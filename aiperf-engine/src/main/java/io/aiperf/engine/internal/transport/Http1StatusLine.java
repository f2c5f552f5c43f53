package io.aiperf.engine.internal.transport;

import io.aiperf.engine.internal.transport.Http1ResponseDecoder.MalformedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The status line of a response: its version and status code, parsed and checked as Netty's
 * {@code HttpResponseDecoder} parses and checks them (lenient separators, strict version syntax),
 * with its messages. The reason phrase is checked, not kept.
 */
final class Http1StatusLine {
  private static final byte SP = ' ';
  private static final byte HT = '\t';
  private static final byte[] HTTP_1_1 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HTTP_1_0 = "HTTP/1.0".getBytes(StandardCharsets.US_ASCII);

  int status;
  /** The version is exactly "HTTP/1.1": only then may Transfer-Encoding come with the body. */
  boolean http11;
  /** The version is exactly "HTTP/1.0": the connection closes unless asked to stay. */
  boolean http10;
  /** HTTP/1.0 or older, in any spelling: repeated Content-Length values are tolerated. */
  boolean http10OrOlder;

  /** Parses the status line {@code [from, to)}, never empty, without its CRLF. */
  void parse(ByteBuffer b, int from, int to) throws MalformedException {
    byte last = b.get(to - 1);
    if (last >= 0 && last <= SP && last != SP && last != HT) {
      throw new MalformedException(
          "Illegal character in request line: 0x" + Integer.toHexString(last));
    }
    int versionStart = skipSpaces(b, from, to);
    int versionEnd = findSpace(b, versionStart, to);
    int statusStart = skipSpaces(b, versionEnd, to);
    int statusEnd = findSpace(b, statusStart, to);
    int reasonStart = skipSpaces(b, statusEnd, to);
    int reasonEnd = reasonStart;
    for (int i = to - 1; i >= reasonStart; i--) {
      if (!isOws(b.get(i))) {
        reasonEnd = i + 1;
        break;
      }
    }
    version(b, versionStart, versionEnd);
    status = statusCode(b, statusStart, statusEnd);
    for (int i = reasonStart; i < reasonEnd; i++) {
      if (b.get(i) == '\r') {
        throw new MalformedException("reasonPhrase contains one of the following prohibited"
            + " characters: \\r\\n: " + latin1(b, reasonStart, reasonEnd));
      }
    }
  }

  /** Separators of the status line's words: SP, HT, VT, FF and CR; other white space is not. */
  private static int skipSpaces(ByteBuffer b, int from, int to) throws MalformedException {
    for (int i = from; i < to; i++) {
      byte c = b.get(i);
      if (isLenientSpace(c)) {
        continue;
      }
      if (isWhitespace(c)) {
        throw new MalformedException("Invalid separator");
      }
      return i;
    }
    return to;
  }

  private static int findSpace(ByteBuffer b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (isLenientSpace(b.get(i))) {
        return i;
      }
    }
    return to;
  }

  private static boolean isLenientSpace(byte c) {
    return c == SP || c == HT || c == 0x0B || c == 0x0C || c == '\r';
  }

  /** What {@link Character#isWhitespace} says of a Latin-1 byte. */
  static boolean isWhitespace(byte c) {
    return c == SP || c >= 0x09 && c <= 0x0D || c >= 0x1C && c <= 0x1F;
  }

  static boolean isOws(byte c) {
    return c == SP || c == HT;
  }

  private void version(ByteBuffer b, int from, int to) throws MalformedException {
    http11 = regionEquals(b, from, to, HTTP_1_1);
    http10 = !http11 && regionEquals(b, from, to, HTTP_1_0);
    if (http11 || http10) {
      http10OrOlder = http10;
      return;
    }
    if (from == to) {
      throw new MalformedException("text is empty (possibly HTTP/0.9)");
    }
    String text = latin1(b, from, to).toUpperCase(Locale.US);
    if (text.length() != 8 || !text.startsWith("HTTP/") || text.charAt(6) != '.') {
      throw new MalformedException("invalid version format: " + text);
    }
    int major = versionDigit(text.charAt(5));
    int minor = versionDigit(text.charAt(7));
    http10OrOlder = major < 1 || major == 1 && minor == 0;
  }

  private static int versionDigit(char c) throws MalformedException {
    if (c < '0' || c > '9') {
      throw new MalformedException("Invalid version number, only 0-9 (0x30-0x39) allowed,"
          + " but received a '" + c + "' (0x" + Integer.toHexString(c) + ")");
    }
    return c - '0';
  }

  private static int statusCode(ByteBuffer b, int from, int to) throws MalformedException {
    int code = 0;
    if (to > from && to - from <= 9) {
      for (int i = from; i < to; i++) {
        int d = b.get(i) - '0';
        if (d < 0 || d > 9) {
          code = -1;
          break;
        }
        code = code * 10 + d;
      }
    } else {
      code = -1;
    }
    if (code < 0) {
      // Anything but plain digits: the JDK's parse, for its verdict and its message.
      try {
        code = Integer.parseInt(latin1(b, from, to));
      } catch (NumberFormatException e) {
        throw new MalformedException(String.valueOf(e.getMessage()));
      }
      if (code < 0) {
        throw new MalformedException("code : " + code + " (expected: >= 0)");
      }
    }
    return code;
  }

  private static boolean regionEquals(ByteBuffer b, int from, int to, byte[] expected) {
    if (to - from != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (b.get(from + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  static String latin1(ByteBuffer b, int from, int to) {
    byte[] bytes = new byte[to - from];
    b.get(from, bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
