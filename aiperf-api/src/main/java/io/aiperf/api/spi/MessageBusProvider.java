package io.aiperf.api.spi;

/**
 * Makes message buses; {@code inmemory} is the default, {@code zmq} spans processes.
 *
 * @since 0.1.0
 */
public interface MessageBusProvider extends Plugin {
  /**
   * Creates a bus.
   *
   * @param channelCapacity undelivered messages a point-to-point channel holds before
   *     {@link MessageBus#send} blocks
   * @return a new bus
   */
  MessageBus create(int channelCapacity);
}
