package io.aiperf.engine.internal.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-memory bus passes the bus contract, and sends without waiting where asked to. */
final class InMemoryMessageBusTest extends MessageBusContractTest {
  @Override
  protected MessageBus createBus(int channelCapacity) {
    return new InMemoryBusProvider().create(BusConfig.of(channelCapacity));
  }

  @Test
  void trySend_sendsWhileThereIsRoom_andRefusesAtOnceWhenTheChannelIsFull() throws Exception {
    MessageBus bus = createBus(2);
    ExecutorService consumer = Executors.newSingleThreadExecutor();
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> got = new CopyOnWriteArrayList<>();
    try {
      bus.consume("c", consumer, m -> {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        got.add(((Item) m).seq());
      });
      assertThat(bus.trySend("c", new Item(0, 0, new byte[0]))).isTrue();
      bus.send("c", new Item(0, 1, new byte[0]));
      // Two undelivered messages fill the channel: a third is refused, not waited for.
      assertThat(bus.trySend("c", new Item(0, 2, new byte[0]))).isFalse();
      release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
      assertThat(bus.trySend("c", new Item(0, 3, new byte[0]))).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
      assertThat(got).containsExactly(0, 1, 3);
    } finally {
      bus.close();
      consumer.shutdownNow();
    }
    assertThatThrownBy(() -> bus.trySend("c", new Item(0, 4, new byte[0])))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void trySend_isRefusedByABusThatCannotTell() {
    MessageBus silent = new MessageBus() {
      @Override
      public void publish(BusMessage message) {}

      @Override
      public <M extends BusMessage> io.aiperf.api.spi.Subscription subscribe(Class<M> type,
          java.util.function.Consumer<? super M> handler) {
        return () -> {};
      }

      @Override
      public void send(String channel, BusMessage message) {
        throw new AssertionError("trySend must not fall back to a send that may block");
      }

      @Override
      public void send(String channel, long routingKey, BusMessage message) {
        throw new AssertionError();
      }

      @Override
      public io.aiperf.api.spi.Subscription consume(String channel,
          java.util.concurrent.Executor executor,
          java.util.function.Consumer<BusMessage> handler) {
        return () -> {};
      }

      @Override
      public java.util.concurrent.CompletableFuture<BusMessage> request(String channel,
          BusMessage request, Duration timeout) {
        return new java.util.concurrent.CompletableFuture<>();
      }

      @Override
      public io.aiperf.api.spi.Subscription respond(String channel,
          java.util.function.Function<BusMessage, BusMessage> responder) {
        return () -> {};
      }

      @Override
      public void close() {}
    };
    assertThat(silent.trySend("c", new Item(0, 0, new byte[0]))).isFalse();
  }
}
