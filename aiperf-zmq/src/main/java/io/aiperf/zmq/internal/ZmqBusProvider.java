package io.aiperf.zmq.internal;

import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.MessageBusProvider;
import io.aiperf.zmq.ZmqBus;
import io.aiperf.zmq.ZmqBusOptions;

/**
 * Provides the {@code zmq} bus. By default it is a hub bound on loopback with an OS-chosen port;
 * with the system property {@value ZmqBusOptions#CONNECT_PROPERTY} it joins that hub instead. The
 * other {@code aiperf.zmq.*} properties ({@link ZmqBusOptions#fromSystemProperties()}) set the
 * bind address and CURVE keys.
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
  public MessageBus create(int channelCapacity) {
    ZmqBusOptions options = ZmqBusOptions.fromSystemProperties().toBuilder()
        .channelCapacity(channelCapacity).build();
    String connect = System.getProperty(ZmqBusOptions.CONNECT_PROPERTY);
    return connect == null || connect.isBlank() ? ZmqBus.hub(options)
        : ZmqBus.connect(connect.strip(), options);
  }
}
