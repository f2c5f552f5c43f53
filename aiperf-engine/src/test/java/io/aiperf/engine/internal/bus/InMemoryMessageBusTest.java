package io.aiperf.engine.internal.bus;

import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.MessageBus;

/** The in-memory bus passes the bus contract. */
final class InMemoryMessageBusTest extends MessageBusContractTest {
  @Override
  protected MessageBus createBus(int channelCapacity) {
    return new InMemoryBusProvider().create(BusConfig.of(channelCapacity));
  }
}
