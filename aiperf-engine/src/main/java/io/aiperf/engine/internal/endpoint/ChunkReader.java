package io.aiperf.engine.internal.endpoint;

import io.aiperf.api.spi.EndpointProvider.Endpoint;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Usage;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads the chunks of chat and completions streams as {@link Endpoint#parse} does, without
 * reading again what the previous chunk already showed. A stream's chunks differ only in their
 * text: {@code {"id":"chatcmpl-1",...,"delta":{"content":"} <text> {"},"finish_reason":null}]}}.
 * When {@link JsonBytes} has read a chunk, the bytes before its text's opening quote and from its
 * closing quote on are remembered with what they gave (reasoning, usage); a later chunk that has
 * exactly those bytes around a string that ends where they resume is the same JSON with another
 * text: the reading of every byte before and after is the same, so only the string is checked.
 * Its text goes to a {@link StreamText} as bytes, without a String or a {@link ParsedResponse}.
 * Any other chunk is parsed as {@link Endpoint#parse} does, and taught if the byte reading took it.
 *
 * <p>One per record processor: not thread-safe.
 */
public final class ChunkReader {
  private final OpenAiEndpoint endpoint;
  private final int maxLength;
  // The shape learned last: the bytes before the text (through its opening quote) and after it
  // (from its closing quote), and what the chunk gave besides its text.
  private byte[] prefix = new byte[128];
  private int prefixLength;
  private byte[] suffix = new byte[64];
  private int suffixLength;
  private @Nullable String reasoning;
  private @Nullable Usage usage;
  // The text of the chunk matched last.
  private byte @Nullable [] bytes;
  private int start;
  private int stop;
  private int flags;

  private ChunkReader(OpenAiEndpoint endpoint) {
    this.endpoint = endpoint;
    this.maxLength = OpenAiEndpoint.JSON.getFactory().streamReadConstraints().getMaxStringLength();
  }

  /**
   * A reader for an endpoint's stream chunks.
   *
   * @param endpoint the run's endpoint
   * @return a reader, or null if the endpoint's chunks are not chat or completions chunks
   */
  public static @Nullable ChunkReader of(Endpoint endpoint) {
    return endpoint instanceof OpenAiEndpoint e ? new ChunkReader(e) : null;
  }

  /**
   * Tells whether a chunk has the shape learned last; if it does, its text, {@link #reasoning}
   * and {@link #usage} are what {@link Endpoint#parse} would return for it.
   *
   * @param b the bytes
   * @param offset where the chunk starts
   * @param length its length
   * @return whether it matched; if not, {@link #parse} it
   */
  public boolean matches(byte[] b, int offset, int length) {
    int p = prefixLength;
    int s = suffixLength;
    // parse() leaves longer bodies to Jackson, which may refuse them.
    if (p == 0 || length < p + s || length > maxLength) {
      return false;
    }
    int end = offset + length;
    if (!Arrays.equals(b, offset, offset + p, prefix, 0, p)
        || !Arrays.equals(b, end - s, end, suffix, 0, s)) {
      return false;
    }
    long checked;
    try {
      checked = JsonStrings.check(b, offset + p, end);
    } catch (OnePass.NeedsTree notAString) {
      return false;
    }
    // The string must close at the suffix's quote, not before it (a quote in the text ends the
    // string there: other JSON) nor after it (the suffix's quote escaped by the text).
    if ((int) checked != end - s + 1) {
      return false;
    }
    bytes = b;
    start = offset + p;
    stop = end - s;
    flags = (int) (checked >>> 32);
    return true;
  }

  /**
   * Reads a chunk as {@link Endpoint#parse} does, and learns its shape if the byte reading took
   * it and it carries text.
   *
   * @param b the bytes
   * @param offset where the chunk starts
   * @param length its length
   * @return what {@link Endpoint#parse} returns
   * @throws IllegalArgumentException as {@link Endpoint#parse} does
   */
  public @Nullable ParsedResponse parse(byte[] b, int offset, int length) {
    if (length == 0) {
      return null;
    }
    if (JsonBytes.startsObject(b, offset, length) && length <= maxLength) {
      JsonBytes s = new JsonBytes(b, offset, length);
      try {
        ParsedResponse r = endpoint.scanChunk(s);
        if (s.contentStart() >= 0) {
          learn(b, offset, length, s.contentStart(), s.contentStop(), r);
        }
        return r;
      } catch (OnePass.NeedsTree e) {
        // Jackson's readings define this one.
      }
    }
    return endpoint.parseWithJackson(b, offset, length);
  }

  private void learn(byte[] b, int offset, int length, int textStart, int textStop,
      ParsedResponse r) {
    int p = textStart - offset;
    int s = offset + length - textStop;
    if (prefix.length < p) {
      prefix = new byte[Math.max(p, prefix.length * 2)];
    }
    if (suffix.length < s) {
      suffix = new byte[Math.max(s, suffix.length * 2)];
    }
    System.arraycopy(b, offset, prefix, 0, p);
    System.arraycopy(b, textStop, suffix, 0, s);
    prefixLength = p;
    suffixLength = s;
    reasoning = r.reasoning();
    usage = r.usage();
  }

  /** Whether the chunk matched last has no text (an empty string). */
  public boolean textIsEmpty() {
    return stop == start;
  }

  /**
   * Appends the text of the chunk matched last, as {@link Endpoint#parse} decodes it.
   *
   * @param to where
   */
  public void appendText(StreamText to) {
    to.appendChecked(java.util.Objects.requireNonNull(bytes, "a matched chunk"), start, stop,
        flags);
  }

  /**
   * The text of the chunk matched last, decoded (for tests and rare uses: it makes a String).
   *
   * @return the text
   */
  String text() {
    return JsonStrings.decode(java.util.Objects.requireNonNull(bytes, "a matched chunk"), start,
        stop, flags);
  }

  /**
   * The reasoning of the chunk matched last.
   *
   * @return its reasoning text, or null
   */
  public @Nullable String reasoning() {
    return reasoning;
  }

  /**
   * The usage of the chunk matched last.
   *
   * @return its usage, or null
   */
  public @Nullable Usage usage() {
    return usage;
  }
}
