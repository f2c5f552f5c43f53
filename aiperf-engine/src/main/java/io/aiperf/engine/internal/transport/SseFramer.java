package io.aiperf.engine.internal.transport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Splits a server-sent event stream into messages by the WHATWG rules: lines end with CRLF, LF or
 * CR (also when the pair is split across reads); a line starting with ':' is a comment; a field's
 * value loses one leading space; several {@code data} lines are joined with LF; a blank line ends
 * a message. A message still open when the stream ends is delivered too, as AIPerf does.
 *
 * <p>Each message carries the timestamp of the network read that completed it. Works on bytes, so
 * UTF-8 text is never decoded here; one instance per response, not thread-safe.
 *
 * <p>It runs on the I/O thread for every chunk, so it works on the read's buffer as it is, heap
 * or direct: line ends are found eight bytes at a time, and a message whose one data line lies
 * whole in the read (nearly every chunk) is copied once, from the read into its payload. Only what
 * a read cuts off, several data lines, comments and other fields go through the line and data
 * buffers.
 */
public final class SseFramer {
  /** Receives each complete message. */
  public interface Sink {
    /**
     * One message.
     *
     * @param event the {@code event} field, or {@code null}
     * @param data the {@code data} lines joined with LF (empty array if none)
     * @param comment the last comment line's text, or {@code null}
     * @param nanos the timestamp of the read that completed the message
     */
    void onMessage(@Nullable String event, byte[] data, @Nullable String comment, long nanos);
  }

  private static final byte[] EMPTY = new byte[0];
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long LF8 = 0x0A0A0A0A0A0A0A0AL;
  private static final long CR8 = 0x0D0D0D0D0D0D0D0DL;
  /** "data" read as a big-endian int. */
  private static final int DATA = 'd' << 24 | 'a' << 16 | 't' << 8 | 'a';

  private final Sink sink;
  /** A line a read cut off, or a line that is not data, until it is parsed. */
  private byte[] line = new byte[256];
  private int lineLength;
  /** The message's data once it has several lines or outlived the read that held it. */
  private byte[] data = new byte[256];
  private int dataLength;
  private boolean hasData;
  /** The message's only data line so far is still in the current read, at these positions. */
  private boolean dataInRead;
  private int readDataStart;
  private int readDataEnd;
  private @Nullable String event;
  private @Nullable String comment;
  private boolean lastWasCarriageReturn;
  private int bomBytesLeft = 3;

  /**
   * Creates a framer.
   *
   * @param sink receives the messages
   */
  public SseFramer(Sink sink) {
    this.sink = sink;
  }

  /**
   * Feeds the bytes of one network read.
   *
   * @param bytes the bytes, in a heap or direct buffer of either byte order; consumed entirely
   * @param nanos the read's timestamp
   */
  public void feed(ByteBuffer bytes, long nanos) {
    int pos = bytes.position();
    int limit = bytes.limit();
    if (bomBytesLeft > 0) {
      pos = skipByteOrderMark(bytes, pos, limit);
    }
    if (lastWasCarriageReturn && pos < limit) {
      lastWasCarriageReturn = false;
      if (bytes.get(pos) == '\n') {
        pos++;
      }
    }
    boolean bigEndian = bytes.order() == ByteOrder.BIG_ENDIAN;
    while (pos < limit) {
      int end = indexOfLineEnd(bytes, pos, limit, bigEndian);
      if (end < 0) {
        appendToLine(bytes, pos, limit);
        break;
      }
      endLine(bytes, pos, end, nanos);
      pos = end + 1;
      if (bytes.get(end) == '\r') {
        if (pos == limit) {
          lastWasCarriageReturn = true;
        } else if (bytes.get(pos) == '\n') {
          pos++;
        }
      }
    }
    // The read's buffer goes back to the transport when this returns.
    keepDataFromRead(bytes);
    bytes.position(limit);
  }

  /**
   * Feeds a byte array; see {@link #feed(ByteBuffer, long)}.
   *
   * @param bytes the bytes
   * @param nanos the read's timestamp
   */
  public void feed(byte[] bytes, long nanos) {
    feed(ByteBuffer.wrap(bytes), nanos);
  }

  /**
   * Ends the stream: a pending line and message without their terminators are delivered.
   *
   * @param nanos the timestamp of the last read
   */
  public void finish(long nanos) {
    if (lineLength > 0) {
      endBufferedLine(null, nanos);
    }
    dispatch(null, nanos);
  }

  /** A UTF-8 byte order mark at the very start of the stream is not content. */
  private int skipByteOrderMark(ByteBuffer bytes, int pos, int limit) {
    while (bomBytesLeft > 0 && pos < limit) {
      if (bytes.get(pos) == BOM[3 - bomBytesLeft]) {
        bomBytesLeft--;
        pos++;
      } else {
        // Not a mark after all: what matched is content, and this byte is scanned as usual.
        appendToLine(BOM, 0, 3 - bomBytesLeft);
        bomBytesLeft = 0;
      }
    }
    return pos;
  }

  /**
   * The first CR or LF in {@code [from, to)}, or -1. Eight bytes per step: a byte of the word
   * XOR the wanted byte is zero where they match, and the exact zero-byte test marks it with its
   * high bit (no false matches, so the first mark is the first line end in either byte order).
   */
  static int indexOfLineEnd(ByteBuffer b, int from, int to, boolean bigEndian) {
    int i = from;
    for (; i <= to - Long.BYTES; i += Long.BYTES) {
      long word = b.getLong(i);
      long found = zeroBytes(word ^ LF8) | zeroBytes(word ^ CR8);
      if (found != 0) {
        int bit = bigEndian ? Long.numberOfLeadingZeros(found) : Long.numberOfTrailingZeros(found);
        return i + (bit >>> 3);
      }
    }
    for (; i < to; i++) {
      byte c = b.get(i);
      if (c == '\n' || c == '\r') {
        return i;
      }
    }
    return -1;
  }

  /** 0x80 in each byte of {@code v} that is zero, 0 in every other. */
  private static long zeroBytes(long v) {
    return ~(((v & LOW7) + LOW7) | v | LOW7);
  }

  /** Handles the line {@code [start, end)} of the read, whose line end is at {@code end}. */
  private void endLine(ByteBuffer read, int start, int end, long nanos) {
    if (lineLength > 0) {
      // The line began in an earlier read.
      appendToLine(read, start, end);
      endBufferedLine(read, nanos);
      return;
    }
    int length = end - start;
    if (length == 0) {
      dispatch(read, nanos);
      return;
    }
    // "data" followed by the colon that ends the name, or by nothing (an empty value).
    if (length >= 4 && int4(read, start) == DATA && (length == 4 || read.get(start + 4) == ':')) {
      int valueStart = Math.min(start + 5, end);
      if (valueStart < end && read.get(valueStart) == ' ') {
        valueStart++;
      }
      if (!hasData) {
        // Nearly every message: one data line, ended in this same read. Copy it at dispatch.
        hasData = true;
        dataInRead = true;
        readDataStart = valueStart;
        readDataEnd = end;
      } else {
        keepDataFromRead(read);
        appendData(read, valueStart, end);
      }
      return;
    }
    // Comments, event names and other fields are short and rare: parsed from the line buffer.
    appendToLine(read, start, end);
    endBufferedLine(read, nanos);
  }

  private static int int4(ByteBuffer b, int at) {
    return (b.get(at) & 0xFF) << 24 | (b.get(at + 1) & 0xFF) << 16 | (b.get(at + 2) & 0xFF) << 8
        | (b.get(at + 3) & 0xFF);
  }

  /** Parses the line in {@link #line}; {@code read} is the current read, if any. */
  private void endBufferedLine(@Nullable ByteBuffer read, long nanos) {
    if (lineLength == 0) {
      dispatch(read, nanos);
      return;
    }
    int colon = -1;
    for (int i = 0; i < lineLength; i++) {
      if (line[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon == 0) {
      int start = lineLength > 1 && line[1] == ' ' ? 2 : 1;
      comment = new String(line, start, lineLength - start, StandardCharsets.UTF_8);
    } else {
      int nameEnd = colon < 0 ? lineLength : colon;
      int valueStart = colon < 0 ? lineLength : colon + 1;
      if (valueStart < lineLength && line[valueStart] == ' ') {
        valueStart++;
      }
      if (isField("data", nameEnd)) {
        if (read != null) {
          keepDataFromRead(read);
        }
        appendData(ByteBuffer.wrap(line), valueStart, lineLength);
      } else if (isField("event", nameEnd)) {
        // Trimmed, as AIPerf does, so "event: error " is still an error event.
        event = new String(line, valueStart, lineLength - valueStart, StandardCharsets.UTF_8)
            .strip();
      }
      // "id" and "retry" do not matter to a benchmark; unknown fields are ignored per the spec.
    }
    lineLength = 0;
  }

  private boolean isField(String name, int nameEnd) {
    if (nameEnd != name.length()) {
      return false;
    }
    for (int i = 0; i < nameEnd; i++) {
      if (line[i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void appendToLine(ByteBuffer from, int start, int end) {
    int n = end - start;
    if (lineLength + n > line.length) {
      line = Arrays.copyOf(line, Math.max(lineLength + n, line.length * 2));
    }
    from.get(start, line, lineLength, n);
    lineLength += n;
  }

  private void appendToLine(byte[] from, int start, int end) {
    appendToLine(ByteBuffer.wrap(from), start, end);
  }

  /** Appends a data line, after a LF if the message has data already. */
  private void appendData(ByteBuffer from, int start, int end) {
    int n = end - start;
    int needed = dataLength + n + 1;
    if (needed > data.length) {
      data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
    }
    if (hasData) {
      data[dataLength++] = '\n';
    }
    from.get(start, data, dataLength, n);
    dataLength += n;
    hasData = true;
  }

  /** Moves a data line still in the read into the data buffer, before the read is gone. */
  private void keepDataFromRead(ByteBuffer read) {
    if (dataInRead) {
      dataInRead = false;
      int n = readDataEnd - readDataStart;
      if (n > data.length) {
        data = Arrays.copyOf(data, Math.max(n, data.length * 2));
      }
      read.get(readDataStart, data, 0, n);
      dataLength = n;
    }
  }

  private void dispatch(@Nullable ByteBuffer read, long nanos) {
    if (hasData || event != null) {
      byte[] payload;
      if (dataInRead && read != null) {
        int n = readDataEnd - readDataStart;
        payload = n == 0 ? EMPTY : new byte[n];
        read.get(readDataStart, payload, 0, n);
      } else {
        payload = dataLength == 0 ? EMPTY : Arrays.copyOf(data, dataLength);
      }
      sink.onMessage(event, payload, comment, nanos);
    }
    dataLength = 0;
    hasData = false;
    dataInRead = false;
    event = null;
    comment = null;
  }
}
