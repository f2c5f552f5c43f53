package io.aiperf.engine.internal.bus;

import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.MessageBusProvider;

/** Provides the in-memory bus, the default for single-JVM runs. It takes no settings. */
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
  public MessageBus create(BusConfig config) {
    if (!config.settings().isEmpty()) {
      throw new IllegalArgumentException("message bus 'inmemory' setting was '"
          + config.settings().keySet().iterator().next() + "' but the in-memory bus takes no"
          + " settings");
    }
    return new InMemoryMessageBus(config.channelCapacity());
  }
}
