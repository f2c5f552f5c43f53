/**
 * The ZeroMQ message bus (JeroMQ): the services of one run spread over processes and hosts.
 * {@code io.aiperf.zmq} holds the typed options and factories for users who wire a bus by hand;
 * the wire protocol and hub stay in {@code io.aiperf.zmq.internal}.
 */
module io.aiperf.zmq {
  requires static org.jspecify;
  requires transitive io.aiperf.api;
  requires org.slf4j;
  requires org.zeromq.jeromq;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.cbor;
  requires com.fasterxml.jackson.datatype.jdk8;
  requires com.fasterxml.jackson.datatype.jsr310;

  exports io.aiperf.zmq;

  provides io.aiperf.api.spi.MessageBusProvider with
      io.aiperf.zmq.internal.ZmqBusProvider;
}
