/**
 * A {@link io.aiperf.api.spi.MessageBus} over ZeroMQ, so the services of one run can be spread over
 * processes and hosts. Choose it with {@code Benchmark.builder().messageBus("zmq")} or the system
 * property {@code aiperf.messageBus=zmq}; {@link io.aiperf.zmq.ZmqBus} makes hub and client buses
 * directly.
 */
@NullMarked
package io.aiperf.zmq;

import org.jspecify.annotations.NullMarked;
