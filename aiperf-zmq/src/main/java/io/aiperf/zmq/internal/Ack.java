package io.aiperf.zmq.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The acknowledgement of channel messages a consumer has finished with: {@code count} messages of
 * {@code channel}, held by {@code consumer}, sent by {@code origin}. Acknowledgements wait in a
 * queue as these objects and become one ACK message per distinct triple ({@link Coalescer}).
 */
record Ack(byte[] channel, byte[] consumer, byte[] origin, int count) {
  /** The ACK message's frames. */
  byte[][] frames() {
    return new byte[][] {Protocol.op(Protocol.ACK), channel, consumer, origin,
        Protocol.intBytes(count)};
  }

  /** Acknowledgements read in a row, folded by channel, consumer and sender. */
  static final class Coalescer {
    private final Map<Key, int[]> pending = new LinkedHashMap<>();

    void add(Ack a) {
      pending.computeIfAbsent(new Key(a), k -> new int[1])[0] += a.count;
    }

    /** Hands each folded acknowledgement on, in first-seen order, and forgets them. */
    void drain(Consumer<byte[][]> out) {
      if (pending.isEmpty()) {
        return;
      }
      pending.forEach((k, n) -> out.accept(new Ack(k.a.channel, k.a.consumer, k.a.origin, n[0])
          .frames()));
      pending.clear();
    }

    /** Acknowledgements group by content; records compare arrays by reference. */
    private record Key(Ack a) {
      @Override
      public boolean equals(Object o) {
        return o instanceof Key k && Arrays.equals(k.a.channel, a.channel)
            && Arrays.equals(k.a.consumer, a.consumer) && Arrays.equals(k.a.origin, a.origin);
      }

      @Override
      public int hashCode() {
        return Arrays.hashCode(a.channel) * 31 + Arrays.hashCode(a.origin)
            + Arrays.hashCode(a.consumer);
      }
    }
  }
}
