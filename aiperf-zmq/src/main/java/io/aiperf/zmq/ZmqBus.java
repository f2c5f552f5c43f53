package io.aiperf.zmq;

import io.aiperf.zmq.internal.ZmqBusFactory;
import java.util.Objects;

/**
 * Makes ZeroMQ message buses: the hub a run's controller binds, and clients that join it from other
 * processes or hosts.
 *
 * <pre>{@code
 * // controller
 * ZmqMessageBus hub = ZmqBus.hub(ZmqBusOptions.builder().host("0.0.0.0").port(5555)
 *     .curveKeys(CurveKeys.load(Path.of("hub.key_secret"))).build());
 * // worker process
 * ZmqMessageBus bus = ZmqBus.connect("tcp://controller:5555", ZmqBusOptions.builder()
 *     .curveServerKey(CurveKeys.load(Path.of("hub.key"))).build());
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ZmqBus {
  private ZmqBus() {}

  /**
   * Binds a hub on {@code tcp://host:port} of the options (loopback and an OS-chosen port by
   * default) and returns the bus of this process, connected to it in-process.
   *
   * @param options the options
   * @return the hub's bus; {@link ZmqMessageBus#address()} is where clients connect
   * @throws IllegalStateException if the address cannot be bound
   */
  public static ZmqMessageBus hub(ZmqBusOptions options) {
    return ZmqBusFactory.hub(Objects.requireNonNull(options, "options"));
  }

  /**
   * Connects to a hub and waits for it to answer.
   *
   * @param address the hub's address, e.g. {@code tcp://10.0.0.5:5555}
   * @param options the options (channel capacity, CURVE keys, timeouts)
   * @return the bus
   * @throws IllegalStateException if the hub does not answer within the connect timeout (not
   *     running, wrong address, or CURVE keys it does not accept)
   */
  public static ZmqMessageBus connect(String address, ZmqBusOptions options) {
    return ZmqBusFactory.connect(Objects.requireNonNull(address, "address"),
        Objects.requireNonNull(options, "options"));
  }
}
