package io.aiperf.api.spi;

/**
 * A registration on a {@link MessageBus}; closing it stops delivery.
 *
 * @since 0.1.0
 */
public interface Subscription extends AutoCloseable {
  /** Stops delivery to this registration. Idempotent. */
  @Override
  void close();
}
