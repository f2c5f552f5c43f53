package io.aiperf.zmq.internal;

import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.bus.MessageBusContractTest;

/** The bus contract, on the bus the {@code zmq} provider makes: a hub with its own bus. */
final class ZmqMessageBusTest extends MessageBusContractTest {
  @Override
  protected MessageBus createBus(int channelCapacity) {
    return new ZmqBusProvider().create(BusConfig.of(channelCapacity));
  }
}
