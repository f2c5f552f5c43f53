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
   * @param config the channel capacity and this provider's settings
   * @return a new bus
   * @throws IllegalArgumentException if a setting's key is not one this provider knows, or its
   *     value is invalid; the message names the key
   */
  MessageBus create(BusConfig config);
}
