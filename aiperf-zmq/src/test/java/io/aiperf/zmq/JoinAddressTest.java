package io.aiperf.zmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class JoinAddressTest {
  record Ping(int n) implements BusMessage {}

  @Test
  void hub_namesItsTcpEndpoint_andAClientJoinsThere() throws Exception {
    try (ZmqMessageBus hub = ZmqBus.hub(ZmqBusOptions.builder().channelCapacity(8).build())) {
      String join = hub.joinAddress().orElseThrow();
      assertThat(join).startsWith("tcp://127.0.0.1:").isEqualTo(hub.address());
      assertThat(join).doesNotEndWith(":0");
      try (ZmqMessageBus client = ZmqBus.connect(join, ZmqBusOptions.defaults())) {
        assertThat(client.joinAddress()).isEmpty();
        CompletableFuture<BusMessage> got = new CompletableFuture<>();
        hub.consume("pings", Runnable::run, got::complete);
        client.send("pings", new Ping(7));
        assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo(new Ping(7));
      }
    }
  }

  @Test
  void theSpiDefault_isEmpty_forABusInOneProcess() {
    MessageBus plain = new MessageBus() {
      @Override
      public void publish(BusMessage message) {}

      @Override
      public <M extends BusMessage> io.aiperf.api.spi.Subscription subscribe(Class<M> type,
          java.util.function.Consumer<? super M> handler) {
        return () -> {};
      }

      @Override
      public void send(String channel, BusMessage message) {}

      @Override
      public void send(String channel, long routingKey, BusMessage message) {}

      @Override
      public io.aiperf.api.spi.Subscription consume(String channel,
          java.util.concurrent.Executor executor,
          java.util.function.Consumer<BusMessage> handler) {
        return () -> {};
      }

      @Override
      public CompletableFuture<BusMessage> request(String channel, BusMessage request,
          Duration timeout) {
        return new CompletableFuture<>();
      }

      @Override
      public io.aiperf.api.spi.Subscription respond(String channel,
          java.util.function.Function<BusMessage, BusMessage> responder) {
        return () -> {};
      }

      @Override
      public void close() {}
    };
    assertThat(plain.joinAddress()).isEmpty();
  }
}
