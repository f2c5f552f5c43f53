package io.aiperf.zmq.internal;

/**
 * A bus's link to its {@link Hub}: where the bus's messages go and where the hub's messages for
 * the bus come in. A client bus has a {@link DealerLink} (a DEALER socket and an I/O thread); the
 * hub's own bus has a {@link LocalLink}, which hands its messages to the hub thread in memory.
 * Either way every message from the hub reaches the bus's handler on one thread, in order, and
 * that handler only hands work on: it never blocks.
 */
sealed interface HubLink permits DealerLink, LocalLink {
  /** Starts moving messages. */
  void start();

  /** Queues a message for the hub; never blocks. */
  void enqueue(byte[]... frames);

  /** Queues a message from within the bus's inbound handler; never blocks. */
  void enqueueFromIoThread(byte[]... frames);

  /** Queues the acknowledgement of one channel message a consumer has finished with. */
  void acknowledge(byte[] channel, byte[] consumer, byte[] origin);

  /** Nothing reached the hub, so nothing would ever drain: stop without lingering. */
  void abandon();

  /**
   * Stops once what is queued has gone to the hub, or at the close timeout.
   *
   * @param closeTimeoutNanos how long queued messages may take to leave
   * @param joinMillis how long to wait for the link's thread, if it has one
   */
  void stop(long closeTimeoutNanos, long joinMillis);

  /** Releases what is left after {@link #stop}. */
  void closePipe();
}
