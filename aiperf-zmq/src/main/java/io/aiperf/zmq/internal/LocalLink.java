package io.aiperf.zmq.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The hub's own bus's link: no socket and no thread of its own. Its messages go straight into
 * the hub's queue and the hub thread runs them through the same routing as any peer's; what the
 * hub has for this bus it passes to the bus's handler on the hub thread. So a message between
 * two services of the hub's JVM costs one thread hand-off to the hub and none back, where a
 * socket (or a queue per direction with a thread at each end) cost three. Channel messages
 * between services of the hub's JVM skip even that when they can ({@link OwnChannel}).
 */
final class LocalLink implements HubLink {
  private final Hub hub;

  /**
   * Attaches the hub's own bus to the hub.
   *
   * @param hub the hub of this JVM
   * @param peerId the bus's identity on the hub
   * @param inbound takes each message from the hub, on the hub thread; it must not block
   * @param codec the bus's codec, which encodes a held message the hub has to send to another
   *     process
   * @param own takes the bus's own channel messages for its own consumers, on the hub thread
   */
  LocalLink(Hub hub, String peerId, Consumer<List<byte[]>> inbound, Codec codec,
      HubChannels.OwnConsumers own) {
    this.hub = hub;
    hub.attachLocal(peerId.getBytes(StandardCharsets.ISO_8859_1), inbound, codec, own);
  }

  @Override
  public void start() {
    // Nothing to run: the hub thread does the work.
  }

  @Override
  public void enqueue(byte[]... frames) {
    hub.offerLocal(frames);
  }

  @Override
  public void enqueueFromIoThread(byte[]... frames) {
    hub.offerLocal(frames); // on the hub thread, which is awake: no wake-up is written
  }

  @Override
  public void acknowledge(byte[] channel, byte[] consumer, byte[] origin) {
    hub.offerLocal(new Ack(channel, consumer, origin, 1));
  }

  @Override
  public void abandon() {
    // Nothing is held here.
  }

  @Override
  public void stop(long closeTimeoutNanos, long joinMillis) {
    // What was enqueued is in the hub's queue, which the hub handles before it stops.
  }

  @Override
  public void closePipe() {
    // No pipe.
  }
}
