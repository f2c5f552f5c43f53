package io.aiperf.engine.internal.endpoint;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A response's text, joined from its chunks: the bytes of strings without escapes are kept as
 * they are and decoded once, at the end. Each piece is well-formed UTF-8 on its own (checked by
 * {@link JsonStrings}), so decoding the joined bytes gives the joined decodings. A piece with
 * escapes, or a String, is appended after the bytes before it are decoded. Reusable: one per
 * record processor, {@link #clear cleared} for each response; not thread-safe.
 */
public final class StreamText {
  private byte[] bytes = new byte[1024];
  private int length;
  /** Whether every byte held is ASCII: then a Latin-1 copy is the decoding. */
  private boolean ascii = true;
  private final StringBuilder text = new StringBuilder();
  /** What {@link #toString} returned, until the text changes. */
  private @Nullable String joined;

  /** Creates an empty text. */
  public StreamText() {}

  /**
   * Appends a checked string's bytes, {@code b[start, stop)} between its quotes.
   *
   * @param flags what {@link JsonStrings#check} found in it
   */
  void appendChecked(byte[] b, int start, int stop, int flags) {
    joined = null;
    if ((flags & JsonStrings.ESCAPED) != 0) {
      flush();
      text.append(JsonStrings.decode(b, start, stop, flags));
      return;
    }
    int n = stop - start;
    if (bytes.length - length < n) {
      bytes = Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
    }
    System.arraycopy(b, start, bytes, length, n);
    length += n;
    ascii &= flags == 0;
  }

  /**
   * Appends text.
   *
   * @param s the text
   */
  public void append(String s) {
    if (!s.isEmpty()) {
      joined = null;
      flush();
      text.append(s);
    }
  }

  /**
   * Tells whether nothing was appended but empty text.
   *
   * @return whether the text is empty
   */
  public boolean isEmpty() {
    return length == 0 && text.length() == 0;
  }

  /**
   * Empties the text for the next response.
   *
   * @return this
   */
  public StreamText clear() {
    length = 0;
    ascii = true;
    text.setLength(0);
    joined = null;
    return this;
  }

  private String decoded() {
    return new String(bytes, 0, length, ascii ? StandardCharsets.ISO_8859_1
        : StandardCharsets.UTF_8);
  }

  private void flush() {
    if (length > 0) {
      text.append(decoded());
      length = 0;
      ascii = true;
    }
  }

  /** The text: the joined decodings of every piece appended. */
  @Override
  public String toString() {
    String s = joined;
    if (s == null) {
      if (text.length() == 0) {
        s = decoded();
      } else {
        flush();
        s = text.toString();
      }
      joined = s;
    }
    return s;
  }
}
