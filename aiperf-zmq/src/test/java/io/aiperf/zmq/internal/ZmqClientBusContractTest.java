package io.aiperf.zmq.internal;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.Subscription;
import io.aiperf.engine.internal.bus.MessageBusContractTest;
import io.aiperf.zmq.ZmqBus;
import io.aiperf.zmq.ZmqBusOptions;
import io.aiperf.zmq.ZmqMessageBus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The bus contract on a client connected over tcp loopback, as a worker process's bus would be:
 * every message crosses a real socket to the hub and back.
 */
final class ZmqClientBusContractTest extends MessageBusContractTest {
  @Override
  protected MessageBus createBus(int channelCapacity) {
    ZmqBusOptions options = ZmqBusOptions.builder().channelCapacity(channelCapacity).build();
    ZmqMessageBus hub = ZmqBus.hub(options);
    return new ClientWithHub(ZmqBus.connect(hub.address(), options), hub);
  }

  /** The client's operations; closing it closes the hub after it. */
  private record ClientWithHub(MessageBus client, MessageBus hub) implements MessageBus {
    @Override
    public void publish(BusMessage message) {
      client.publish(message);
    }

    @Override
    public <M extends BusMessage> Subscription subscribe(Class<M> type,
        Consumer<? super M> handler) {
      return client.subscribe(type, handler);
    }

    @Override
    public void send(String channel, BusMessage message) {
      client.send(channel, message);
    }

    @Override
    public void send(String channel, long routingKey, BusMessage message) {
      client.send(channel, routingKey, message);
    }

    @Override
    public Subscription consume(String channel, Executor executor,
        Consumer<BusMessage> handler) {
      return client.consume(channel, executor, handler);
    }

    @Override
    public CompletableFuture<BusMessage> request(String channel, BusMessage request,
        Duration timeout) {
      return client.request(channel, request, timeout);
    }

    @Override
    public Subscription respond(String channel, Function<BusMessage, BusMessage> responder) {
      return client.respond(channel, responder);
    }

    @Override
    public void close() {
      try {
        client.close();
      } finally {
        hub.close();
      }
    }
  }
}
