package io.aiperf.engine.internal.transport;

import io.aiperf.engine.internal.transport.Http1ResponseDecoder.MalformedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The status line and header fields of one response, as far as the transport needs them: the
 * status ({@link Http1StatusLine}), the framing of the body (Content-Length, Transfer-Encoding), whether the connection
 * stays open (Connection, the version) and the Content-Type. Every field line is validated as
 * Netty's {@code HttpResponseDecoder} validates it, with its messages; the values of other
 * fields are not kept. Reused for every response of a connection.
 */
final class Http1Head {
  /** How the body of a response is delimited. */
  enum Framing {
    NONE,
    CONTENT_LENGTH,
    CHUNKED,
    UNTIL_CLOSE
  }

  private static final byte SP = ' ';
  private static final byte HT = '\t';
  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] CONTENT_TYPE = ascii("content-type");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] TRAILER = ascii("trailer");
  private static final byte[] CHUNKED = ascii("chunked");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");
  /** RFC 9110 tchar: the bytes a field name may hold. */
  private static final boolean[] TOKEN = new boolean[256];

  static {
    for (int c = '0'; c <= '9'; c++) {
      TOKEN[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TOKEN[c] = true;
      TOKEN[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TOKEN[c] = true;
    }
  }

  private final Http1StatusLine statusLine = new Http1StatusLine();
  /** The field being read: a following line that starts with SP or HT continues its value. */
  private boolean fieldPending;
  private byte[] name = new byte[64];
  private int nameLength;
  private byte[] value = new byte[256];
  private int valueLength;
  private final List<String> contentLengths = new ArrayList<>(1);
  private long contentLength;
  private @Nullable String contentType;
  /** The last Content-Type seen on this connection: nearly every response repeats it. */
  private byte[] lastContentType = new byte[0];
  private String lastContentTypeText = "";
  private boolean connectionClose;
  private boolean connectionKeepAlive;
  private boolean transferEncoding;
  /** Some Transfer-Encoding value lists "chunked". */
  private boolean chunked;
  /** How many times "chunked" is listed, and whether it is the last coding. */
  private int chunkedCodings;
  private boolean lastCodingChunked;

  void reset() {
    fieldPending = false;
    contentLengths.clear();
    contentType = null;
    connectionClose = false;
    connectionKeepAlive = false;
    transferEncoding = false;
    chunked = false;
    chunkedCodings = 0;
    lastCodingChunked = false;
  }

  /** Parses the status line {@code [from, to)}, never empty, without its CRLF. */
  void statusLine(ByteBuffer b, int from, int to) throws MalformedException {
    statusLine.parse(b, from, to);
  }

  int status() {
    return statusLine.status;
  }

  /** A 1xx response other than 101: the real response follows it. */
  boolean isInterim() {
    int status = statusLine.status;
    return status >= 100 && status < 200 && status != 101;
  }

  String contentType() {
    String type = contentType;
    return type == null ? "" : type;
  }

  long contentLength() {
    return contentLength;
  }

  /** Whether the connection may carry another request after this response. */
  boolean keepAlive() {
    // After 101 the connection no longer speaks HTTP/1.1.
    return statusLine.status != 101 && !connectionClose
        && (!statusLine.http10 || connectionKeepAlive);
  }

  // --- header and trailer fields --------------------------------------------------------------

  /** A header field line, never empty. */
  void headerLine(ByteBuffer b, int from, int to) throws MalformedException {
    fieldLine(b, from, to, false);
  }

  /** A trailer field line, never empty. */
  void trailerLine(ByteBuffer b, int from, int to) throws MalformedException {
    fieldLine(b, from, to, true);
  }

  private void fieldLine(ByteBuffer b, int from, int to, boolean trailer)
      throws MalformedException {
    byte first = b.get(from);
    if (fieldPending && (first == SP || first == HT)) {
      continueValue(b, from, to);
      return;
    }
    if (fieldPending) {
      endField(trailer);
    }
    splitField(b, from, to);
  }

  /** An obsolete line folding: the line, trimmed, joins the value after one space. */
  private void continueValue(ByteBuffer b, int from, int to) {
    int start = from;
    int end = to;
    while (start < end && (b.get(start) & 0xFF) <= SP) {
      start++;
    }
    while (end > start && (b.get(end - 1) & 0xFF) <= SP) {
      end--;
    }
    ensureValue(valueLength + 1 + end - start);
    value[valueLength++] = SP;
    b.get(start, value, valueLength, end - start);
    valueLength += end - start;
  }

  /**
   * Name and value of a field line: the name ends at the colon (or at white space, which a
   * response may have before the colon), the value is trimmed of SP and HT.
   */
  private void splitField(ByteBuffer b, int from, int to) throws MalformedException {
    int nameEnd = from;
    while (nameEnd < to) {
      byte c = b.get(nameEnd);
      if (c == ':' || Http1StatusLine.isOws(c)) {
        break;
      }
      nameEnd++;
    }
    if (nameEnd == to) {
      throw new MalformedException("No colon found");
    }
    int colonEnd = nameEnd;
    while (colonEnd < to) {
      if (b.get(colonEnd++) == ':') {
        break;
      }
    }
    int valueStart = colonEnd;
    while (valueStart < to) {
      byte c = b.get(valueStart);
      if (!Http1StatusLine.isWhitespace(c)) {
        break;
      }
      if (!Http1StatusLine.isOws(c)) {
        throw new MalformedException("Invalid separator, only a single space or horizontal tab"
            + " allowed, but received a '" + c + "' (0x" + Integer.toHexString(c) + ")");
      }
      valueStart++;
    }
    int valueEnd = valueStart;
    for (int i = to - 1; i >= valueStart; i--) {
      if (!Http1StatusLine.isOws(b.get(i))) {
        valueEnd = i + 1;
        break;
      }
    }
    nameLength = nameEnd - from;
    if (nameLength > name.length) {
      name = new byte[Math.max(nameLength, name.length * 2)];
    }
    b.get(from, name, 0, nameLength);
    valueLength = 0;
    ensureValue(valueEnd - valueStart);
    b.get(valueStart, value, 0, valueEnd - valueStart);
    valueLength = valueEnd - valueStart;
    fieldPending = true;
  }

  private void ensureValue(int length) {
    if (length > value.length) {
      value = Arrays.copyOf(value, Math.max(length, value.length * 2));
    }
  }

  /** The field is complete: validate it, and keep what the transport needs of it. */
  private void endField(boolean trailer) throws MalformedException {
    fieldPending = false;
    if (trailer && (nameIs(CONTENT_LENGTH) || nameIs(TRANSFER_ENCODING) || nameIs(TRAILER))) {
      return; // never applied from a trailer, so not even validated
    }
    validateName();
    validateValue();
    if (trailer) {
      return;
    }
    if (nameIs(CONTENT_LENGTH)) {
      contentLengths.add(new String(value, 0, valueLength, StandardCharsets.ISO_8859_1));
    } else if (nameIs(TRANSFER_ENCODING)) {
      transferEncoding = true;
      chunked |= listsToken(CHUNKED);
      countChunkedCodings();
    } else if (nameIs(CONNECTION)) {
      connectionClose |= listsToken(CLOSE);
      connectionKeepAlive |= listsToken(KEEP_ALIVE);
    } else if (nameIs(CONTENT_TYPE) && contentType == null) {
      contentType = contentTypeText();
    }
  }

  private void validateName() throws MalformedException {
    if (nameLength == 0) {
      throw new MalformedException("empty headers are not allowed []");
    }
    for (int i = 0; i < nameLength; i++) {
      int c = name[i] & 0xFF;
      if (!TOKEN[c]) {
        throw new MalformedException("a header name can only contain \"token\" characters, but"
            + " found invalid character 0x" + Integer.toHexString(c) + " at index " + i
            + " of header '" + new String(name, 0, nameLength, StandardCharsets.ISO_8859_1)
            + "'.");
      }
    }
  }

  /** RFC 9110 field-content: visible characters and obs-text, inner SP and HT. */
  private void validateValue() throws MalformedException {
    for (int i = 0; i < valueLength; i++) {
      int c = value[i] & 0xFF;
      if (i == 0 ? c < 0x21 || c == 0x7F : c < 0x20 && c != HT || c == 0x7F) {
        throw new MalformedException("Validation failed for header '"
            + new String(name, 0, nameLength, StandardCharsets.ISO_8859_1) + "'");
      }
    }
  }

  private boolean nameIs(byte[] lowerCase) {
    return nameLength == lowerCase.length && equalsIgnoreCase(name, 0, lowerCase);
  }

  /** Whether the comma-separated value lists the token (trimmed, ASCII case ignored). */
  private boolean listsToken(byte[] token) {
    int start = 0;
    while (start <= valueLength) {
      int comma = indexOf(value, ',', start, valueLength);
      int end = comma < 0 ? valueLength : comma;
      int s = start;
      int e = end;
      while (s < e && (value[s] & 0xFF) <= SP) {
        s++;
      }
      while (e > s && (value[e - 1] & 0xFF) <= SP) {
        e--;
      }
      if (e - s == token.length && equalsIgnoreCase(value, s, token)) {
        return true;
      }
      if (comma < 0) {
        return false;
      }
      start = comma + 1;
    }
    return false;
  }

  /** Counts the "chunked" codings of a Transfer-Encoding value and notes if one is last. */
  private void countChunkedCodings() {
    int start = 0;
    while (start <= valueLength) {
      int comma = indexOf(value, ',', start, valueLength);
      int end = comma < 0 ? valueLength : comma;
      int s = start;
      int e = end;
      while (s < e && Http1StatusLine.isOws(value[s])) {
        s++;
      }
      while (e > s && Http1StatusLine.isOws(value[e - 1])) {
        e--;
      }
      if (s < e) {
        lastCodingChunked = e - s == CHUNKED.length && equalsIgnoreCase(value, s, CHUNKED);
        if (lastCodingChunked) {
          chunkedCodings++;
        }
      }
      if (comma < 0) {
        return;
      }
      start = comma + 1;
    }
  }

  private String contentTypeText() {
    if (!Arrays.equals(value, 0, valueLength, lastContentType, 0, lastContentType.length)) {
      lastContentType = Arrays.copyOf(value, valueLength);
      lastContentTypeText = new String(lastContentType, StandardCharsets.ISO_8859_1);
    }
    return lastContentTypeText;
  }

  /** The header fields ended: checks the framing fields and tells how the body is delimited. */
  Framing endHead() throws MalformedException {
    if (fieldPending) {
      endField(false);
    }
    contentLength = contentLengths.isEmpty() ? -1 : parseContentLength();
    int status = statusLine.status;
    if (status >= 100 && status < 200 || status == 204 || status == 304) {
      return Framing.NONE;
    }
    if (transferEncoding && !statusLine.http11) {
      throw new MalformedException(
          "The Transfer-Encoding header is only allowed in HTTP/1.1 or newer");
    }
    if (chunked) {
      if (chunkedCodings > 1) {
        throw new MalformedException("chunked transfer coding must not be applied more than once");
      }
      if (!lastCodingChunked) {
        throw new MalformedException(
            "chunked must be the last encoding present in the Transfer-Encoding header");
      }
      if (!contentLengths.isEmpty()) {
        throw new MalformedException("Content-Length are not allowed in HTTP/1.1 messages that"
            + " contains a Transfer-Encoding header.");
      }
      return Framing.CHUNKED;
    }
    if (contentLength == 0) {
      return Framing.NONE;
    }
    return contentLength > 0 ? Framing.CONTENT_LENGTH : Framing.UNTIL_CLOSE;
  }

  /** The trailer ended: its last field is validated like the others. */
  void endTrailer() throws MalformedException {
    if (fieldPending) {
      endField(true);
    }
  }

  /** RFC 9110 8.6: one decimal value; repeated values only from HTTP/1.0. */
  private long parseContentLength() throws MalformedException {
    String first = contentLengths.get(0);
    if ((contentLengths.size() > 1 || first.indexOf(',') >= 0) && !statusLine.http10OrOlder) {
      throw new MalformedException("Multiple Content-Length values found: " + contentLengths);
    }
    if (first.isEmpty() || first.charAt(0) < '0' || first.charAt(0) > '9') {
      throw new MalformedException("Content-Length value is not a number: " + first);
    }
    try {
      return Long.parseLong(first);
    } catch (NumberFormatException e) {
      throw new MalformedException("Content-Length value is not a number: " + first);
    }
  }

  // --- bytes ----------------------------------------------------------------------------------

  /** ASCII case-insensitive comparison with a lower-case constant. */
  private static boolean equalsIgnoreCase(byte[] bytes, int from, byte[] lowerCase) {
    for (int i = 0; i < lowerCase.length; i++) {
      byte c = bytes[from + i];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lowerCase[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] bytes, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
