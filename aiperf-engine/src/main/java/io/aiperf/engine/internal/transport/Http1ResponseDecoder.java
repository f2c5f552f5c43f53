package io.aiperf.engine.internal.transport;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Decodes the HTTP/1.1 responses of one connection from its reads and tells {@link Events} each
 * piece as soon as it is complete. Body bytes are handed over in the read's own buffer, positioned
 * on them: a streamed chunk costs no message object, no retained slice and no copy here. Only a
 * line that a read cuts off (status line, header, chunk size) is kept until the next read.
 *
 * <p>What it accepts and rejects, and the message of each rejection, are those of Netty's
 * {@code HttpResponseDecoder} (4.2, default configuration), which decoded the responses before:
 * strict CRLF line ends, a status line of at most 4,096 bytes, at most 8,192 bytes of header and
 * trailer fields, validated field names and values, RFC 9112 Content-Length and
 * Transfer-Encoding rules, validated chunk sizes and extensions, chunk data ended by CRLF, and
 * after a rejection nothing more until the connection closes. The transport sends only POST, so
 * there is no HEAD. Two cases differ on purpose: a {@code 101 Switching Protocols} answer ends
 * the response with no body and marks the connection not reusable (what follows it is not HTTP),
 * and obs-text in a quoted chunk extension value is accepted as RFC 9112 says.
 *
 * <p>Netty's buffer checks ({@code io.netty.buffer.checkAccessible}, {@code checkBounds}) stay
 * on: a read costs one of each here, and turning them off measured no difference (JMH, CPU time
 * per chunk within 1% either way; bench/vs-wrk.sh within its noise).
 *
 * <p>One instance per connection, used on its event loop only.
 */
public final class Http1ResponseDecoder {
  /** What the decoder tells its connection; each call is made while the read is decoded. */
  public interface Events {
    /**
     * A 1xx interim response (not 101) arrived and ended; the real response follows.
     *
     * @param status the interim status
     */
    void onInterim(int status);

    /**
     * The status line and header fields of the response arrived.
     *
     * @param status the status
     * @param contentType the first Content-Type field, or {@code ""}
     * @param keepAlive whether the connection may carry another request afterwards
     */
    void onResponse(int status, String contentType, boolean keepAlive);

    /**
     * Body bytes, transfer coding removed, from the buffer's position to its limit. The buffer is
     * the read's, valid during the call only; the callee may move its position.
     *
     * @param data the bytes
     */
    void onBody(ByteBuffer data);

    /** The response is complete. */
    void onEnd();

    /**
     * The response is malformed; the decoder ignores everything after it.
     *
     * @param message what is wrong
     */
    void onMalformed(String message);
  }

  /** A response the decoder rejects; its message is the one reported. */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;
    final String reason;

    MalformedException(String reason) {
      // Thrown for each malformed response a server sends: no stack trace to fill.
      super(reason, null, false, false);
      this.reason = reason;
    }
  }

  static final int MAX_LINE_LENGTH = 4096;
  static final int MAX_HEADER_SIZE = 8192;
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  static final String LINE_END_WITHOUT_CR = "Line Feed must be preceded by Carriage Return when"
      + " terminating HTTP start- and header field-lines";
  private static final String CHUNK_LINE_END_WITHOUT_CR = "Line Feed must be preceded by Carriage"
      + " Return when terminating HTTP chunk header lines";
  private static final String LINE_TOO_LONG =
      "An HTTP line is larger than " + MAX_LINE_LENGTH + " bytes.";
  private static final String HEADER_TOO_LARGE =
      "HTTP header is larger than " + MAX_HEADER_SIZE + " bytes.";
  private static final String CHUNK_NOT_ENDED =
      "Chunk data sections must be terminated by a CR LF octet pair";
  private static final String CLOSED_IN_HEADERS = "Connection closed before received headers";

  private enum State {
    /** Before a status line: line breaks are skipped. */
    SKIP_LINE_BREAKS,
    STATUS_LINE,
    HEADER_FIELDS,
    FIXED_LENGTH_BODY,
    BODY_UNTIL_CLOSE,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILER_FIELDS,
    /** After a malformed response or the end of input: everything is ignored. */
    DISCARD
  }

  private final Events events;
  private final Http1Head head = new Http1Head();
  private State state = State.SKIP_LINE_BREAKS;
  /** Body bytes still to come: of the content length, or of the current chunk. */
  private long bodyLeft;
  /** Field bytes of this response so far (header and trailer lines), bounded together. */
  private int fieldBytes;
  /** The start of a line that a read cut off (or the first byte of a chunk's CRLF). */
  private byte[] line = new byte[256];
  private ByteBuffer lineBuffer = ByteBuffer.wrap(line);
  private int lineLength;

  /**
   * Creates a decoder.
   *
   * @param events told about each response
   */
  public Http1ResponseDecoder(Events events) {
    this.events = events;
  }

  /**
   * Decodes a read. The buffer is not released and its indices do not move.
   *
   * @param read the bytes read from the connection
   */
  public void decode(ByteBuf read) {
    int n = read.readableBytes();
    if (n > 0) {
      // One view of the read for all of its bytes: one accessibility check per read, not per
      // byte, and the view itself goes to the listener.
      decode(read.nioBufferCount() == 1 ? read.internalNioBuffer(read.readerIndex(), n)
          : read.nioBuffer(read.readerIndex(), n));
    }
  }

  /**
   * Decodes a read, from the buffer's position to its limit; the position ends at the limit.
   *
   * @param read the bytes read from the connection
   */
  public void decode(ByteBuffer read) {
    int end = read.limit();
    int pos = read.position();
    try {
      while (pos < end) {
        pos = switch (state) {
          case SKIP_LINE_BREAKS -> skipLineBreaks(read, pos, end);
          case STATUS_LINE, HEADER_FIELDS, CHUNK_SIZE, TRAILER_FIELDS -> line(read, pos, end);
          case FIXED_LENGTH_BODY, CHUNK_DATA -> body(read, pos, end);
          case BODY_UNTIL_CLOSE -> {
            deliver(read, pos, end, end);
            yield end;
          }
          case CHUNK_END -> chunkEnd(read, pos, end);
          case DISCARD -> end;
        };
      }
    } catch (MalformedException e) {
      state = State.DISCARD;
      events.onMalformed(e.reason);
    } finally {
      read.limit(end).position(end);
    }
  }

  /**
   * The connection closed: a body that lasts until the close ends; a response cut off in its
   * header fields is malformed; a response cut off anywhere else is left to the caller.
   */
  public void endOfInput() {
    State was = state;
    state = State.DISCARD;
    if (was == State.BODY_UNTIL_CLOSE) {
      events.onEnd();
    } else if (was == State.HEADER_FIELDS) {
      events.onMalformed(CLOSED_IN_HEADERS);
    }
  }

  /** Ready for the next response. */
  private void nextResponse() {
    state = State.SKIP_LINE_BREAKS;
    fieldBytes = 0;
    lineLength = 0;
    head.reset();
  }

  /**
   * Line breaks before a status line are skipped, as long as there are no more of them in a read
   * than a line may hold; any other control character there is a malformed line end.
   */
  private int skipLineBreaks(ByteBuffer read, int pos, int end) throws MalformedException {
    int scanEnd = pos + Math.min(MAX_LINE_LENGTH, end - pos);
    for (int i = pos; i < scanEnd; i++) {
      byte b = read.get(i);
      if (b != CR && b != LF) {
        if (isIsoControl(b)) {
          throw new MalformedException(LINE_END_WITHOUT_CR);
        }
        state = State.STATUS_LINE;
        return i;
      }
    }
    if (end - pos > MAX_LINE_LENGTH) {
      throw new MalformedException(LINE_TOO_LONG);
    }
    return end;
  }

  private static boolean isIsoControl(byte b) {
    int c = b & 0xFF;
    return c < 0x20 || c >= 0x7F && c <= 0x9F;
  }

  /**
   * Completes the current line with the bytes of this read, up to its LF; a line still open at
   * the end of the read is kept. Returns where the rest of the read starts.
   */
  private int line(ByteBuffer read, int pos, int end) throws MalformedException {
    boolean fields = state == State.HEADER_FIELDS || state == State.TRAILER_FIELDS;
    int max = fields ? MAX_HEADER_SIZE - fieldBytes : MAX_LINE_LENGTH;
    // The LF may lie at most max + 1 bytes after the line's start (a CR before it).
    int scanEnd = pos + (int) Math.min(end - pos, max + 2L - lineLength);
    int lf = -1;
    for (int i = pos; i < scanEnd; i++) {
      if (read.get(i) == LF) {
        lf = i;
        break;
      }
    }
    if (lf < 0) {
      if (lineLength + (end - pos) > max) {
        throw new MalformedException(fields ? HEADER_TOO_LARGE : LINE_TOO_LONG);
      }
      keep(read, pos, end);
      return end;
    }
    ByteBuffer source = read;
    int from = pos;
    int to = lf;
    if (lineLength > 0) {
      keep(read, pos, lf);
      source = lineBuffer;
      from = 0;
      to = lineLength;
      lineLength = 0;
    }
    if (to > from && source.get(to - 1) == CR) {
      to--;
    } else {
      throw new MalformedException(
          state == State.CHUNK_SIZE ? CHUNK_LINE_END_WITHOUT_CR : LINE_END_WITHOUT_CR);
    }
    if (fields) {
      fieldBytes += to - from;
    }
    endLine(source, from, to);
    return lf + 1;
  }

  private void keep(ByteBuffer read, int from, int to) {
    int n = to - from;
    if (lineLength + n > line.length) {
      line = Arrays.copyOf(line, Math.max(lineLength + n, line.length * 2));
      lineBuffer = ByteBuffer.wrap(line);
    }
    read.get(from, line, lineLength, n);
    lineLength += n;
  }

  /** A complete line {@code [from, to)} of the current state, its CRLF removed. */
  private void endLine(ByteBuffer b, int from, int to) throws MalformedException {
    switch (state) {
      case STATUS_LINE -> {
        head.statusLine(b, from, to);
        state = State.HEADER_FIELDS;
      }
      case HEADER_FIELDS -> {
        if (to > from) {
          head.headerLine(b, from, to);
        } else {
          endHead();
        }
      }
      case CHUNK_SIZE -> {
        bodyLeft = Http1ChunkLine.size(b, from, to);
        state = bodyLeft == 0 ? State.TRAILER_FIELDS : State.CHUNK_DATA;
      }
      case TRAILER_FIELDS -> {
        if (to > from) {
          head.trailerLine(b, from, to);
        } else {
          head.endTrailer();
          nextResponse();
          events.onEnd();
        }
      }
      default -> throw new IllegalStateException("no line in state " + state);
    }
  }

  /** The header fields ended: how long is the body? */
  private void endHead() throws MalformedException {
    Http1Head.Framing framing = head.endHead();
    int status = head.status();
    if (head.isInterim()) {
      nextResponse();
      events.onInterim(status);
      return;
    }
    String contentType = head.contentType();
    boolean keepAlive = head.keepAlive();
    switch (framing) {
      case NONE -> {
        nextResponse();
        events.onResponse(status, contentType, keepAlive);
        events.onEnd();
      }
      case CONTENT_LENGTH -> {
        bodyLeft = head.contentLength();
        state = State.FIXED_LENGTH_BODY;
        events.onResponse(status, contentType, keepAlive);
      }
      case CHUNKED -> {
        state = State.CHUNK_SIZE;
        events.onResponse(status, contentType, keepAlive);
      }
      case UNTIL_CLOSE -> {
        state = State.BODY_UNTIL_CLOSE;
        events.onResponse(status, contentType, keepAlive);
      }
    }
  }

  /** Delivers what this read holds of the content length or of the chunk. */
  private int body(ByteBuffer read, int pos, int end) {
    int n = (int) Math.min(bodyLeft, end - pos);
    bodyLeft -= n;
    if (bodyLeft > 0) {
      deliver(read, pos, pos + n, end);
    } else if (state == State.CHUNK_DATA) {
      state = State.CHUNK_END;
      deliver(read, pos, pos + n, end);
    } else {
      nextResponse();
      deliver(read, pos, pos + n, end);
      events.onEnd();
    }
    return pos + n;
  }

  private void deliver(ByteBuffer read, int from, int to, int end) {
    read.limit(to).position(from);
    events.onBody(read);
    // The decoder reads the rest of the buffer by absolute index, within its limit.
    read.limit(end);
  }

  /** The CRLF after a chunk's data, which a read may cut in two. */
  private int chunkEnd(ByteBuffer read, int pos, int end) throws MalformedException {
    byte first;
    int second;
    if (lineLength == 1) {
      first = line[0];
      second = pos;
    } else if (end - pos >= 2) {
      first = read.get(pos);
      second = pos + 1;
    } else {
      keep(read, pos, end);
      return end;
    }
    lineLength = 0;
    if (first != CR || read.get(second) != LF) {
      throw new MalformedException(CHUNK_NOT_ENDED);
    }
    state = State.CHUNK_SIZE;
    return second + 1;
  }
}
