package io.aiperf.engine.internal.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.aiperf.engine.internal.endpoint.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One JSON line built as UTF-8 bytes, for a file whose lines all have one known layout: the
 * per-request export writes some 40 metrics and hundreds of chunk gaps per record, and through a
 * {@link JsonGenerator} each name and number went through its context checks and char-to-byte
 * copies (a fifth of the records manager's time in a streaming run). Here names are encoded once
 * ({@link #name}) and numbers written as digits in place; the text is the generator's, byte for
 * byte: strings with anything but plain ASCII are escaped by a generator, numbers printed as it
 * prints them (Schubfach doubles, non-finite ones quoted).
 *
 * <p>Commas are placed by the builder: before a name or a value unless it follows an opening
 * bracket or a name. Reused line after line; not thread-safe.
 */
final class JsonLine {
  private byte[] bytes = new byte[4096];
  private int length;
  /** Whether the next name or value needs a comma before it. */
  private boolean afterValue;
  /** Escapes what the fast path does not: the generator's own rules, so its text exactly. */
  private final ByteArrayBuilder escaped = new ByteArrayBuilder(256);
  /** Made for the first string that needs it: most lines have none. */
  private @Nullable JsonGenerator escaper;

  /**
   * A field name as this builder writes it, quoted and escaped, with its colon: encode once,
   * write per line.
   */
  static byte[] name(String name) {
    JsonLine line = new JsonLine();
    line.string(name);
    line.ascii(':');
    return line.toByteArray();
  }

  /** Starts a new line. */
  void reset() {
    length = 0;
    afterValue = false;
  }

  /** The bytes so far. */
  byte[] bytes() {
    return bytes;
  }

  /** How many of {@link #bytes()} are the line. */
  int length() {
    return length;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  void startObject() {
    separate();
    ascii('{');
    afterValue = false;
  }

  void endObject() {
    ascii('}');
    afterValue = true;
  }

  void startArray() {
    separate();
    ascii('[');
    afterValue = false;
  }

  void endArray() {
    ascii(']');
    afterValue = true;
  }

  /**
   * A name from {@link #name(String)}, or any pre-encoded JSON that ends in a name and its colon
   * (such as {@code "tag":{"value":}); its value comes next.
   */
  void field(byte[] encodedName) {
    separate();
    raw(encodedName, encodedName.length);
    afterValue = false;
  }

  /** Pre-encoded JSON that closes what a {@link #field} fragment opened. */
  void closingFragment(byte[] fragment) {
    raw(fragment, fragment.length);
    afterValue = true;
  }

  void value(long v) {
    separate();
    if (v == Long.MIN_VALUE) {
      asciiText(Long.toString(v));
    } else {
      digits(v);
    }
    afterValue = true;
  }

  void value(boolean v) {
    separate();
    asciiText(v ? "true" : "false");
    afterValue = true;
  }

  /** A double as the generator writes it: shortest round-trip digits; NaN and infinities quoted. */
  void value(double v) {
    separate();
    String text = NumberOutput.toString(v, true);
    if (Double.isFinite(v)) {
      asciiText(text);
    } else {
      ascii('"');
      asciiText(text);
      ascii('"');
    }
    afterValue = true;
  }

  /** A whole number of nanoseconds in milliseconds, exactly ({@link MillisDecimal#fits}). */
  void millis(double nanos) {
    separate();
    ensure(MillisDecimal.MAX_CHARS);
    length += MillisDecimal.format(nanos, bytes, length);
    afterValue = true;
  }

  /** A string value; {@code null} as JSON null, as the generator's {@code writeString}. */
  void value(@Nullable String s) {
    separate();
    if (s == null) {
      asciiText("null");
    } else {
      string(s);
    }
    afterValue = true;
  }

  private void string(String s) {
    int n = s.length();
    ensure(n + 2);
    int at = length;
    bytes[at++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
        escapedString(s);
        return;
      }
      bytes[at++] = (byte) c;
    }
    bytes[at++] = '"';
    length = at;
  }

  private void escapedString(String s) {
    try {
      JsonGenerator g = escaper;
      if (g == null) {
        g = Json.MAPPER.getFactory().createGenerator(escaped, JsonEncoding.UTF8);
        escaper = g;
      }
      escaped.reset();
      g.writeString(s);
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a generator over memory does no I/O
    }
    // The generator separates root values with a space; the string follows it.
    byte[] text = escaped.toByteArray();
    int from = text.length > 0 && text[0] == ' ' ? 1 : 0;
    raw(text, from, text.length - from);
  }

  private void separate() {
    if (afterValue) {
      ascii(',');
    }
  }

  private void digits(long v) {
    ensure(20);
    if (v < 0) {
      bytes[length++] = '-';
      v = -v;
    }
    int start = length;
    do {
      bytes[length++] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v > 0);
    for (int i = start, j = length - 1; i < j; i++, j--) {
      byte t = bytes[i];
      bytes[i] = bytes[j];
      bytes[j] = t;
    }
  }

  private void ascii(char c) {
    ensure(1);
    bytes[length++] = (byte) c;
  }

  private void asciiText(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      bytes[length++] = (byte) s.charAt(i); // ASCII only: numbers and literals
    }
  }

  private void raw(byte[] b, int n) {
    raw(b, 0, n);
  }

  private void raw(byte[] b, int from, int n) {
    ensure(n);
    System.arraycopy(b, from, bytes, length, n);
    length += n;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
    }
  }

  @Override
  public String toString() {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }
}
