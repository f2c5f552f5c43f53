package io.aiperf.engine.internal.bus;

import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.MessageBusProvider;

/** Provides the in-memory bus, the default for single-JVM runs. */
public final class InMemoryBusProvider implements MessageBusProvider {
  @Override
  public String name() {
    return "inmemory";
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public String description() {
    return "Direct hand-off between services in one JVM; no serialization";
  }

  @Override
  public MessageBus create(int channelCapacity) {
    return new InMemoryMessageBus(channelCapacity);
  }
}
