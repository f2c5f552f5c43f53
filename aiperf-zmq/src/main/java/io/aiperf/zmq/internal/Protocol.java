package io.aiperf.zmq.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The frames peers and the hub exchange. Every message starts with a one-byte opcode; the hub's
 * ROUTER adds the peer identity in front. Payload frames are opaque to the hub ({@link Codec}).
 *
 * <pre>
 * peer to hub                                   hub to peer
 * HELLO token                                   OK token | ERR token text
 * SUB type token, UNSUB type                    EVENT types payload
 * PUB types payload                             DELIVER channel consumer origin key payload
 * CONSUME channel consumer token                CREDIT channel count
 * CANCEL channel consumer                       REQUEST channel origin id payload
 * SEND channel key payload                      REPLY id payload | REPLY_ERROR id text
 * ACK channel consumer origin count
 * NACK channel consumer origin key payload
 * REQUEST channel id payload
 * REPLY origin id payload | REPLY_ERROR origin id text
 * RESPOND channel token, UNRESPOND channel
 * FLUSH token, BYE
 * </pre>
 *
 * <p>{@code key} is empty for round-robin sends and 8 bytes for a routing key; {@code types} is the
 * message class and its BusMessage supertypes, newline-separated.
 *
 * <p>On the wire, each ZMQ message (after the ROUTER's identity frame) is one frame holding a
 * {@link Batch} of such messages, in order: whatever a bus or the hub has pending for one peer
 * travels together. Per-message ZMQ frames and pipe hand-offs, not bytes, are what cost: with
 * 64 credits in flight a frame per field made every hop of the hub pay for each of them.
 */
final class Protocol {
  static final byte HELLO = 1;
  static final byte SUB = 2;
  static final byte UNSUB = 3;
  static final byte PUB = 4;
  static final byte CONSUME = 5;
  static final byte CANCEL = 6;
  static final byte SEND = 7;
  static final byte ACK = 8;
  static final byte NACK = 9;
  static final byte REQUEST = 10;
  static final byte REPLY = 11;
  static final byte REPLY_ERROR = 12;
  static final byte RESPOND = 13;
  static final byte UNRESPOND = 14;
  static final byte FLUSH = 15;
  static final byte BYE = 16;
  static final byte OK = 20;
  static final byte ERR = 21;
  static final byte EVENT = 22;
  static final byte DELIVER = 23;
  static final byte CREDIT = 24;

  static final byte[][] OPS = new byte[32][];

  static {
    for (int i = 0; i < OPS.length; i++) {
      OPS[i] = new byte[] {(byte) i};
    }
  }

  static final byte[] EMPTY = new byte[0];

  private Protocol() {}

  static byte[] op(byte op) {
    return OPS[op];
  }

  static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static long asLong(byte[] b) {
    return ByteBuffer.wrap(b).getLong();
  }

  static byte[] intBytes(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  static int asInt(byte[] b) {
    return ByteBuffer.wrap(b).getInt();
  }

  /**
   * Reads the next message of a batch into {@code into} (appending its fields).
   *
   * @param batch the batch frame
   * @param offset where the message starts
   * @param into where its fields go
   * @return where the next message starts ({@code batch.length} after the last)
   * @throws IllegalArgumentException if the batch is malformed
   */
  static int unpack(byte[] batch, int offset, List<byte[]> into) {
    if (offset >= batch.length) {
      throw new IllegalArgumentException("Malformed batch: no message at " + offset);
    }
    int fields = batch[offset++] & 0xff;
    for (int i = 0; i < fields; i++) {
      if (offset + 4 > batch.length) {
        throw new IllegalArgumentException("Malformed batch: truncated field length");
      }
      int length = (batch[offset] & 0xff) << 24 | (batch[offset + 1] & 0xff) << 16
          | (batch[offset + 2] & 0xff) << 8 | batch[offset + 3] & 0xff;
      offset += 4;
      if (length < 0 || length > batch.length - offset) {
        throw new IllegalArgumentException("Malformed batch: field of " + length + " bytes");
      }
      if (i == 0 && length == 1 && batch[offset] >= 0 && batch[offset] < OPS.length) {
        into.add(OPS[batch[offset]]); // opcodes are shared, never written to
      } else {
        into.add(length == 0 ? EMPTY : Arrays.copyOfRange(batch, offset, offset + length));
      }
      offset += length;
    }
    return offset;
  }

  /**
   * Messages for one peer, appended in order and sent as one frame: per message a field count
   * (one byte), then per field its length (four bytes, big-endian) and its bytes.
   */
  static final class Batch {
    private static final int INITIAL = 4_096;
    private byte[] buf = new byte[INITIAL];
    private int size;

    void add(byte[]... fields) {
      int need = 1;
      for (byte[] f : fields) {
        need += 4 + f.length;
      }
      if (size + need > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + need));
      }
      buf[size++] = (byte) fields.length;
      for (byte[] f : fields) {
        int n = f.length;
        buf[size] = (byte) (n >>> 24);
        buf[size + 1] = (byte) (n >>> 16);
        buf[size + 2] = (byte) (n >>> 8);
        buf[size + 3] = (byte) n;
        size += 4;
        System.arraycopy(f, 0, buf, size, n);
        size += n;
      }
    }

    boolean isEmpty() {
      return size == 0;
    }

    int size() {
      return size;
    }

    /** Returns the frame and starts a new batch. */
    byte[] take() {
      byte[] frame = Arrays.copyOf(buf, size);
      size = 0;
      if (buf.length > 1 << 20) {
        buf = new byte[INITIAL]; // one burst of large messages should not pin its buffer
      }
      return frame;
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
