package io.aiperf.engine.internal.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The framer as it was before it scanned in bulk: a byte at a time, each payload copied twice.
 * Kept as the oracle that {@link SseFramer} must match message for message, stamps included.
 */
final class ReferenceSseFramer {
  private static final byte[] EMPTY = new byte[0];

  private final SseFramer.Sink sink;
  private byte[] line = new byte[256];
  private int lineLength;
  private byte[] data = new byte[256];
  private int dataLength;
  private boolean hasData;
  private @Nullable String event;
  private @Nullable String comment;
  private boolean lastWasCarriageReturn;
  private int bomBytesLeft = 3;
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /**
   * Creates a framer.
   *
   * @param sink receives the messages
   */
  ReferenceSseFramer(SseFramer.Sink sink) {
    this.sink = sink;
  }

  /**
   * Feeds the bytes of one network read.
   *
   * @param bytes the bytes; consumed entirely
   * @param nanos the read's timestamp
   */
  public void feed(ByteBuffer bytes, long nanos) {
    while (bytes.hasRemaining()) {
      byte b = bytes.get();
      if (bomBytesLeft > 0) {
        // A UTF-8 byte order mark at the very start of the stream is not content.
        if (b == BOM[3 - bomBytesLeft]) {
          bomBytesLeft--;
          continue;
        }
        for (int i = 0; i < 3 - bomBytesLeft; i++) {
          appendToLine(BOM[i]);
        }
        bomBytesLeft = 0;
      }
      if (b == '\n') {
        if (lastWasCarriageReturn) {
          lastWasCarriageReturn = false;
          continue;
        }
        endLine(nanos);
      } else if (b == '\r') {
        lastWasCarriageReturn = true;
        endLine(nanos);
      } else {
        lastWasCarriageReturn = false;
        appendToLine(b);
      }
    }
  }

  private void appendToLine(byte b) {
    if (lineLength == line.length) {
      line = Arrays.copyOf(line, line.length * 2);
    }
    line[lineLength++] = b;
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
      endLine(nanos);
    }
    dispatch(nanos);
  }

  private void endLine(long nanos) {
    if (lineLength == 0) {
      dispatch(nanos);
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
        appendData(valueStart);
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

  private void appendData(int valueStart) {
    int valueLength = lineLength - valueStart;
    int needed = dataLength + valueLength + 1;
    if (needed > data.length) {
      data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
    }
    if (hasData) {
      data[dataLength++] = '\n';
    }
    System.arraycopy(line, valueStart, data, dataLength, valueLength);
    dataLength += valueLength;
    hasData = true;
  }

  private void dispatch(long nanos) {
    if (hasData || event != null) {
      byte[] payload = dataLength == 0 ? EMPTY : Arrays.copyOf(data, dataLength);
      sink.onMessage(event, payload, comment, nanos);
    }
    dataLength = 0;
    hasData = false;
    event = null;
    comment = null;
  }
}
