package io.aiperf.zmq.internal;

import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.MessageBusProvider;
import io.aiperf.zmq.ZmqBus;
import io.aiperf.zmq.ZmqBusOptions;

/**
 * Provides the {@code zmq} bus. By default it is a hub bound on loopback with an OS-chosen port;
 * with the setting {@value ZmqBusOptions#CONNECT} it joins that hub instead. The other settings
 * ({@value ZmqBusOptions#HOST}, {@value ZmqBusOptions#PORT}, the CURVE keys and the timeouts,
 * all listed in {@link ZmqBusOptions}) come from
 * {@code Benchmark.builder().messageBus("zmq", settings)}; an unknown key fails with a message
 * listing the valid ones. For what the settings leave out, the {@code aiperf.zmq.*} system
 * properties ({@link ZmqBusOptions#fromSettings(java.util.Map)}) are read as a fallback, e.g.
 * {@value ZmqBusOptions#CONNECT_PROPERTY}.
 */
public final class ZmqBusProvider implements MessageBusProvider {
  @Override
  public String name() {
    return "zmq";
  }

  @Override
  public String description() {
    return "ZeroMQ (JeroMQ): the services of a run spread over processes and hosts";
  }

  @Override
  public MessageBus create(BusConfig config) {
    ZmqBusOptions options = ZmqBusOptions.fromSettings(config.settings()).toBuilder()
        .channelCapacity(config.channelCapacity()).build();
    String connect = config.setting(ZmqBusOptions.CONNECT)
        .orElse(System.getProperty(ZmqBusOptions.CONNECT_PROPERTY));
    return connect == null || connect.isBlank() ? ZmqBus.hub(options)
        : ZmqBus.connect(connect.strip(), options);
  }
}
