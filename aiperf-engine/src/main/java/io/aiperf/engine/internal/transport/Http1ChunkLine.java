package io.aiperf.engine.internal.transport;

import io.aiperf.engine.internal.transport.Http1ResponseDecoder.MalformedException;
import java.nio.ByteBuffer;

/**
 * The size line of a chunk (RFC 9112 7.1): {@code chunk-size [ chunk-ext ]}, checked as Netty's
 * {@code HttpResponseDecoder} checks it, with its messages. Nearly every line is hex digits only
 * and is read in one pass; a line with anything else (extensions, white space, an error) is
 * checked in full.
 */
final class Http1ChunkLine {
  /** States of the extension syntax, after the size. */
  private static final int SIZE = 0;
  private static final int EXT_NAME = 1;
  private static final int EXT_VALUE_START = 2;
  private static final int EXT_VALUE_QUOTED = 3;
  private static final int EXT_VALUE_ESCAPE = 4;
  private static final int EXT_VALUE_QUOTED_END = 5;
  private static final int EXT_VALUE_TOKEN = 6;
  private static final int INVALID = -1;
  /** The next state for each state and byte. */
  private static final int[][] NEXT = new int[7][256];
  /** Delimiters that a token may not hold (RFC 9110 5.6.2), besides DQUOTE. */
  private static final String DELIMITERS = "(),/:<=>?@[\\]{}";

  static {
    for (int[] row : NEXT) {
      java.util.Arrays.fill(row, INVALID);
    }
    set(SIZE, "0123456789abcdefABCDEF \t", SIZE);
    set(SIZE, ";", EXT_NAME);
    setRange(EXT_NAME, 0x21, 0x7E, EXT_NAME);
    set(EXT_NAME, " \t", EXT_NAME);
    set(EXT_NAME, DELIMITERS, INVALID);
    set(EXT_NAME, "=", EXT_VALUE_START);
    set(EXT_VALUE_START, " \t", EXT_VALUE_START);
    setRange(EXT_VALUE_START, 0x21, 0x7E, EXT_VALUE_TOKEN);
    set(EXT_VALUE_START, DELIMITERS + "\"", INVALID);
    set(EXT_VALUE_START, "\"", EXT_VALUE_QUOTED);
    set(EXT_VALUE_QUOTED, "\t !", EXT_VALUE_QUOTED);
    setRange(EXT_VALUE_QUOTED, 0x23, 0x5B, EXT_VALUE_QUOTED);
    setRange(EXT_VALUE_QUOTED, 0x5D, 0x7E, EXT_VALUE_QUOTED);
    setRange(EXT_VALUE_QUOTED, 0x80, 0xFF, EXT_VALUE_QUOTED);
    set(EXT_VALUE_QUOTED, "\\", EXT_VALUE_ESCAPE);
    set(EXT_VALUE_QUOTED, "\"", EXT_VALUE_QUOTED_END);
    set(EXT_VALUE_ESCAPE, "\t ", EXT_VALUE_QUOTED);
    setRange(EXT_VALUE_ESCAPE, 0x21, 0x7E, EXT_VALUE_QUOTED);
    setRange(EXT_VALUE_ESCAPE, 0x80, 0xFF, EXT_VALUE_QUOTED);
    set(EXT_VALUE_QUOTED_END, "\t ", EXT_VALUE_QUOTED_END);
    set(EXT_VALUE_QUOTED_END, ";", EXT_NAME);
    setRange(EXT_VALUE_TOKEN, 0x21, 0x7E, EXT_VALUE_TOKEN);
    set(EXT_VALUE_TOKEN, DELIMITERS, INVALID);
    set(EXT_VALUE_TOKEN, ";", EXT_NAME);
  }

  private Http1ChunkLine() {}

  private static void set(int state, String bytes, int next) {
    for (int i = 0; i < bytes.length(); i++) {
      NEXT[state][bytes.charAt(i)] = next;
    }
  }

  private static void setRange(int state, int from, int to, int next) {
    for (int c = from; c <= to; c++) {
      NEXT[state][c] = next;
    }
  }

  /**
   * The size of the chunk whose size line is {@code [from, to)}, without its CRLF.
   *
   * @throws MalformedException if the line is not a valid size line
   */
  static int size(ByteBuffer b, int from, int to) throws MalformedException {
    long size = 0;
    int i = from;
    for (; i < to; i++) {
      int digit = hexDigit(b.get(i));
      if (digit < 0) {
        break;
      }
      size = size * 16 + digit;
      if (size > Integer.MAX_VALUE) {
        break;
      }
    }
    if (i == to && i > from) {
      return (int) size;
    }
    return checkedSize(b, from, to);
  }

  /** The full check: extensions first (if the line has any), then the size. */
  private static int checkedSize(ByteBuffer b, int from, int to) throws MalformedException {
    boolean extensions = false;
    for (int i = from; i < to; i++) {
      if (b.get(i) == ';') {
        extensions = true;
        break;
      }
    }
    if (extensions) {
      checkExtensions(b, from, to);
    }
    if (from == to) {
      throw new MalformedException("Empty chunk size");
    }
    long size = 0;
    for (int i = from; i < to; i++) {
      int digit = hexDigit(b.get(i));
      if (digit < 0) {
        // The size ends here: white space may precede the extensions, and nothing else.
        int j = i;
        byte c = b.get(j);
        while (c == ' ' || c == '\t') {
          if (++j >= to) {
            throw new MalformedException("Invalid chunk size; expected extensions");
          }
          c = b.get(j);
        }
        if (c == ';') {
          if (i == from) {
            throw new MalformedException("Empty chunk size");
          }
          return (int) size;
        }
        throw new MalformedException("Invalid character in chunk size");
      }
      size = size * 16 + digit;
      if (size > Integer.MAX_VALUE) {
        throw new MalformedException("Chunk size overflow: " + size);
      }
    }
    return (int) size;
  }

  private static void checkExtensions(ByteBuffer b, int from, int to) throws MalformedException {
    int state = SIZE;
    for (int i = from; i < to; i++) {
      int next = NEXT[state][b.get(i) & 0xFF];
      if (next == INVALID) {
        throw new MalformedException(
            state == SIZE ? "Invalid chunk size" : "Invalid chunk extension");
      }
      state = next;
    }
    if (state == EXT_VALUE_START || state == EXT_VALUE_QUOTED || state == EXT_VALUE_ESCAPE) {
      throw new MalformedException("Invalid chunk extension");
    }
  }

  private static int hexDigit(byte c) {
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
}
