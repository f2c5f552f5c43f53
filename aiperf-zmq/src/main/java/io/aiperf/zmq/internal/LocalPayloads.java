package io.aiperf.zmq.internal;

import io.aiperf.api.spi.BusMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Channel messages of the hub's own bus that wait at the hub for a consumer, held as objects
 * (the own bus passes its messages to the hub thread as objects, {@link OwnChannel.Send}). When
 * the channel had no consumer, the hub keeps the message here and parks a 9-byte handle
 * ({@link Codec#LOCAL} and an id), which it later routes like any payload; the consumer's bus
 * takes the message back by its handle. So a message parked for a consumer of the controller's
 * JVM is neither encoded nor decoded.
 *
 * <p>Should a consumer in another process take it, the hub encodes the held message for that
 * consumer on its own thread ({@link #export}), so a handle never leaves the JVM. A handle is taken exactly once: a channel
 * message has one consumer, and one handed back (NACK) was never taken. What the hub holds for
 * a channel without consumers is bounded by the senders' credits, like any channel message.
 */
final class LocalPayloads {
  private final Map<Long, BusMessage> held = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong();

  /**
   * Keeps a message and returns its handle.
   *
   * @param message the message
   * @return the handle to send in its place
   */
  byte[] hold(BusMessage message) {
    long id = next.incrementAndGet();
    held.put(id, message);
    byte[] handle = new byte[9];
    handle[0] = Codec.LOCAL;
    for (int i = 8; i >= 1; i--) {
      handle[i] = (byte) id;
      id >>>= 8;
    }
    return handle;
  }

  /**
   * Tells whether a payload is a handle.
   *
   * @param payload a payload frame
   * @return true for a handle made by {@link #hold}
   */
  static boolean isHandle(byte[] payload) {
    return payload.length == 9 && payload[0] == Codec.LOCAL;
  }

  /**
   * Takes a held message back.
   *
   * @param handle its handle
   * @return the message, or null if it was taken already or is unknown here
   */
  @Nullable BusMessage take(byte[] handle) {
    return held.remove(id(handle));
  }

  /**
   * Returns the payload for a consumer in another process: a held message encoded (and no longer
   * held), anything else as it is.
   *
   * @param payload the payload the hub is about to deliver
   * @param codec encodes the held message
   * @return the payload to deliver
   * @throws IllegalStateException if the handle is unknown (taken already)
   */
  byte[] export(byte[] payload, Codec codec) {
    if (!isHandle(payload)) {
      return payload;
    }
    BusMessage m = held.remove(id(payload));
    if (m == null) {
      throw new IllegalStateException("A channel message held in the hub's JVM was already taken");
    }
    return codec.encode(m);
  }

  /** Drops whatever is still held (the hub stopped). */
  void clear() {
    held.clear();
  }

  int size() {
    return held.size();
  }

  private static long id(byte[] handle) {
    long id = 0;
    for (int i = 1; i <= 8; i++) {
      id = id << 8 | (handle[i] & 0xff);
    }
    return id;
  }
}
