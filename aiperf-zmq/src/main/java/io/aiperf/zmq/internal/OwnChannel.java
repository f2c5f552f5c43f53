package io.aiperf.zmq.internal;

import io.aiperf.api.spi.BusMessage;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A channel as the hub's own bus sends on it: looked up once per send by name, then carried to
 * the hub thread with the message ({@link Send}), so that the hub resolves the channel's name
 * once per channel, not once per message, and a message for a consumer of the own bus reaches
 * it as the object it was sent as, with no frames, handle or strings on the way.
 *
 * <p>When the hub says the channel's only consumer is the own bus's ({@link #sole}), a sender
 * hands the message to that consumer itself, as the in-memory bus does, but only while none of
 * the own bus's messages on the channel is still on its way through the hub ({@link #pending}):
 * a message sent after another (by any thread of the bus) never overtakes it.
 */
final class OwnChannel {
  final String name;
  /** The own bus's messages on this channel that the hub thread has not yet dispatched. */
  final AtomicInteger pending = new AtomicInteger();
  /** The hub's record of the channel; only the hub thread reads or sets it. */
  HubChannels.@Nullable Channel resolved;
  /**
   * The channel's only consumer, when it has exactly one, it is the own bus's, and nothing
   * waits at the hub for a consumer; else null. Set by the hub thread, read by senders.
   */
  volatile @Nullable Sole sole;

  OwnChannel(String name) {
    this.name = name;
  }

  /**
   * A consumer of the own bus, as the hub knows it.
   *
   * @param consumer its id on the own bus
   * @param inFlight the hub's count of the own bus's messages it holds
   */
  record Sole(int consumer, AtomicInteger inFlight) {}

  /**
   * One message of the own bus, on its way to the hub thread.
   *
   * @param channel where it goes
   * @param keyed whether {@code key} is a routing key (else the least-loaded consumer takes it)
   * @param key the routing key
   * @param message the message
   * @param encoded the message encoded by its sender, when the channel had a consumer in
   *     another process at the time; else null (the hub encodes it if it must)
   */
  record Send(OwnChannel channel, boolean keyed, long key, BusMessage message,
      byte @Nullable [] encoded) {
    byte[] keyBytes() {
      return keyed ? Protocol.longBytes(key) : Protocol.EMPTY;
    }
  }
}
