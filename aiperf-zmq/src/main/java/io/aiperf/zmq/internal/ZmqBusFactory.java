package io.aiperf.zmq.internal;

import io.aiperf.zmq.CurveKeys;
import io.aiperf.zmq.ZmqBusOptions;
import io.aiperf.zmq.ZmqMessageBus;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/** Wires contexts, hubs and buses; {@link io.aiperf.zmq.ZmqBus} is its public face. */
public final class ZmqBusFactory {
  private static final Logger log = LoggerFactory.getLogger(ZmqBusFactory.class);
  private static final AtomicInteger HUBS = new AtomicInteger();

  private ZmqBusFactory() {}

  /**
   * Binds a hub and returns this process's bus on it.
   *
   * @param options the options
   * @return the bus
   */
  public static ZmqMessageBus hub(ZmqBusOptions options) {
    ZContext context = newContext(options);
    String inproc = "inproc://aiperf-zmq-hub-" + HUBS.incrementAndGet();
    String tcp = "tcp://" + options.host() + ":" + options.port();
    Hub hub;
    try {
      CurveKeys keys = options.curveKeys();
      hub = new Hub(context, inproc, tcp,
          keys == null ? null : ZMQ.Curve.z85Decode(keys.secretKey()),
          options.authorizedClientKeys());
    } catch (ZMQException | IllegalArgumentException e) {
      context.close();
      throw new IllegalStateException("Cannot bind the ZMQ hub to " + tcp + ": " + e.getMessage(),
          e);
    }
    hub.start();
    String address = Objects.requireNonNull(hub.tcpAddress(), "tcpAddress: this hub binds tcp");
    log.info("ZMQ bus hub listening on {}{}", address,
        options.curveKeys() == null ? "" : " (CURVE, "
            + (options.authorizedClientKeys().isEmpty() ? "any client with the hub's key"
                : options.authorizedClientKeys().size() + " authorized client keys") + ")");
    return new ZmqMessageBusImpl(context, inproc, hub, address, options);
  }

  /**
   * Connects a bus to a hub.
   *
   * @param address the hub's address
   * @param options the options
   * @return the bus
   */
  public static ZmqMessageBus connect(String address, ZmqBusOptions options) {
    return new ZmqMessageBusImpl(newContext(options), address, null, address, options);
  }

  private static ZContext newContext(ZmqBusOptions options) {
    ZContext context = new ZContext(1);
    // Bounded, so closing a context can never hang on unsent data to a vanished peer.
    context.setLinger((int) Math.min(Integer.MAX_VALUE, options.closeTimeout().toMillis()));
    context.setSndHWM(0);
    context.setRcvHWM(0);
    return context;
  }
}
