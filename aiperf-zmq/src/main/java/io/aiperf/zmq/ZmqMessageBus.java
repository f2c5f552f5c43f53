package io.aiperf.zmq;

import io.aiperf.api.spi.MessageBus;

/**
 * A {@link MessageBus} over ZeroMQ: either the hub of a run (it binds the address other processes
 * connect to) or a client connected to a hub. Every operation behaves the same on both: events go
 * to subscribers in every process, channel messages to one consumer in any process, requests to
 * the one responder of their channel wherever it runs.
 *
 * <pre>{@code
 * try (ZmqMessageBus hub = ZmqBus.hub(ZmqBusOptions.defaults());
 *      ZmqMessageBus worker = ZmqBus.connect(hub.address(), ZmqBusOptions.defaults())) {
 *   worker.consume("credits", Runnable::run, credit -> handle(credit));
 *   hub.send("credits", new Credit(1));
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public interface ZmqMessageBus extends MessageBus {
  /**
   * Returns the address clients connect to: the hub's bound tcp endpoint (with the port the OS
   * chose when the options asked for port 0), or the hub address a client connected to.
   *
   * @return the address, e.g. {@code tcp://127.0.0.1:40123}
   */
  String address();

  /**
   * Tells whether this bus is the hub (bound) rather than a client (connected).
   *
   * @return true for the hub
   */
  boolean isHub();

  /**
   * Returns this bus's identity on the hub, as it appears in the hub's log.
   *
   * @return the identity, e.g. {@code 4242-1-9f3a}
   */
  String peerId();
}
