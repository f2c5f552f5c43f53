package io.aiperf.zmq.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

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

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
