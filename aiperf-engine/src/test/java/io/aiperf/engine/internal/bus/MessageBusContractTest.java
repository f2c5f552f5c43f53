package io.aiperf.engine.internal.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The message bus contract. Every bus extends this kit and passes it unchanged; the ZMQ bus reuses
 * it from the engine's test jar.
 */
public abstract class MessageBusContractTest {
  /** An event. */
  public record Ping(int n) implements BusMessage {}

  /** A subtype-carrying event. */
  public interface Event extends BusMessage {}

  /** One kind of event. */
  public record Started(String who) implements Event {}

  /** A point-to-point payload. */
  public record Item(int sender, int seq, byte[] payload) implements BusMessage {}

  /** A request. */
  public record Question(String text) implements BusMessage {}

  /** A reply. */
  public record Answer(String text) implements BusMessage {}

  /** Creates a bus whose channels hold this many undelivered messages. */
  protected abstract MessageBus createBus(int channelCapacity);

  private MessageBus bus;
  private final List<ExecutorService> executors = new ArrayList<>();

  @BeforeEach
  void open() {
    bus = createBus(1024);
  }

  @AfterEach
  void closeAll() {
    bus.close();
    executors.forEach(ExecutorService::shutdownNow);
  }

  private ExecutorService serial() {
    ExecutorService e = Executors.newSingleThreadExecutor();
    executors.add(e);
    return e;
  }

  @Nested
  @DisplayName("publish/subscribe")
  final class PubSub {
    @Test
    @DisplayName("every subscriber gets every event of its type, in publication order")
    void ordered() {
      List<Integer> a = Collections.synchronizedList(new ArrayList<>());
      List<Integer> b = Collections.synchronizedList(new ArrayList<>());
      bus.subscribe(Ping.class, p -> a.add(p.n()));
      bus.subscribe(Ping.class, p -> b.add(p.n()));
      for (int i = 0; i < 1000; i++) {
        bus.publish(new Ping(i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> a.size() == 1000 && b.size() == 1000);
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        expected.add(i);
      }
      assertThat(a).isEqualTo(expected);
      assertThat(b).isEqualTo(expected);
    }

    @Test
    @DisplayName("a subscription to a supertype sees its subtypes, and no other types")
    void byType() {
      List<BusMessage> events = Collections.synchronizedList(new ArrayList<>());
      bus.subscribe(Event.class, events::add);
      bus.publish(new Ping(1));
      bus.publish(new Started("worker_0"));
      bus.publish(new Ping(2));
      bus.publish(new Started("worker_1"));
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
      assertThat(events).containsExactly(new Started("worker_0"), new Started("worker_1"));
    }

    @Test
    @DisplayName("closing a subscription stops delivery")
    void unsubscribe() throws Exception {
      AtomicInteger count = new AtomicInteger();
      var s = bus.subscribe(Ping.class, p -> count.incrementAndGet());
      bus.publish(new Ping(1));
      await().atMost(Duration.ofSeconds(10)).until(() -> count.get() == 1);
      s.close();
      bus.publish(new Ping(2));
      CountDownLatch marker = new CountDownLatch(1);
      bus.subscribe(Started.class, x -> marker.countDown());
      bus.publish(new Started("after"));
      assertThat(marker.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(count.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("a failing subscriber does not stop delivery to others")
    void isolation() {
      AtomicInteger good = new AtomicInteger();
      bus.subscribe(Ping.class, p -> {
        throw new IllegalStateException("boom");
      });
      bus.subscribe(Ping.class, p -> good.incrementAndGet());
      bus.publish(new Ping(1));
      bus.publish(new Ping(2));
      await().atMost(Duration.ofSeconds(10)).until(() -> good.get() == 2);
    }
  }

  @Nested
  @DisplayName("point-to-point channels")
  final class Channels {
    @Test
    @DisplayName("messages from one sender reach a serial consumer in the order sent")
    void orderPerSender() throws Exception {
      List<Item> got = Collections.synchronizedList(new ArrayList<>());
      bus.consume("records", serial(), m -> got.add((Item) m));
      Thread[] senders = new Thread[4];
      for (int s = 0; s < senders.length; s++) {
        int sender = s;
        senders[s] = new Thread(() -> {
          for (int i = 0; i < 2_000; i++) {
            bus.send("records", new Item(sender, i, new byte[0]));
          }
        });
        senders[s].start();
      }
      for (Thread t : senders) {
        t.join();
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == 8_000);
      for (int s = 0; s < senders.length; s++) {
        int sender = s;
        List<Integer> seqs = got.stream().filter(i -> i.sender() == sender).map(Item::seq)
            .toList();
        assertThat(seqs).isSorted().hasSize(2_000);
      }
    }

    @Test
    @DisplayName("competing consumers receive every message exactly once")
    void exactlyOnce() {
      Map<Integer, Integer> seen = new ConcurrentHashMap<>();
      AtomicInteger[] perConsumer = new AtomicInteger[3];
      for (int c = 0; c < 3; c++) {
        AtomicInteger counter = new AtomicInteger();
        perConsumer[c] = counter;
        bus.consume("credits", serial(), m -> {
          seen.merge(((Item) m).seq(), 1, Integer::sum);
          counter.incrementAndGet();
        });
      }
      for (int i = 0; i < 9_000; i++) {
        bus.send("credits", new Item(0, i, new byte[0]));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 9_000);
      assertThat(seen.values()).containsOnly(1);
      for (AtomicInteger c : perConsumer) {
        assertThat(c.get()).as("each consumer takes a share").isGreaterThan(0);
      }
    }

    @Test
    @DisplayName("messages with the same routing key go to the same consumer")
    void sticky() {
      Map<Long, Set<Integer>> consumersByKey = new ConcurrentHashMap<>();
      AtomicInteger delivered = new AtomicInteger();
      for (int c = 0; c < 4; c++) {
        int consumer = c;
        bus.consume("sessions", serial(), m -> {
          consumersByKey.computeIfAbsent((long) ((Item) m).sender(),
              k -> ConcurrentHashMap.newKeySet()).add(consumer);
          delivered.incrementAndGet();
        });
      }
      for (int i = 0; i < 4_000; i++) {
        long key = i % 50;
        bus.send("sessions", key, new Item((int) key, i, new byte[0]));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> delivered.get() == 4_000);
      assertThat(consumersByKey).hasSize(50);
      consumersByKey.values().forEach(set -> assertThat(set).hasSize(1));
    }

    @Test
    @DisplayName("messages sent before a consumer registers are delivered when it does")
    void parkedUntilConsumer() {
      for (int i = 0; i < 10; i++) {
        bus.send("late", new Item(0, i, new byte[0]));
      }
      List<Integer> got = Collections.synchronizedList(new ArrayList<>());
      bus.consume("late", serial(), m -> got.add(((Item) m).seq()));
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 10);
      assertThat(got).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    @DisplayName("a full channel blocks its sender until the consumer catches up")
    void backpressure() throws Exception {
      MessageBus small = createBus(8);
      try {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger consumed = new AtomicInteger();
        small.consume("slow", serial(), m -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          consumed.incrementAndGet();
        });
        AtomicInteger sent = new AtomicInteger();
        Thread sender = new Thread(() -> {
          for (int i = 0; i < 20; i++) {
            small.send("slow", new Item(0, i, new byte[0]));
            sent.incrementAndGet();
          }
        });
        sender.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() == 8
            && sender.getState() == Thread.State.WAITING);
        assertThat(sent.get()).isEqualTo(8);
        release.countDown();
        sender.join(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> consumed.get() == 20);
      } finally {
        small.close();
      }
    }

    @Test
    @DisplayName("a 16 MiB payload arrives intact")
    void largePayload() {
      byte[] payload = new byte[16 << 20];
      new java.util.Random(7).nextBytes(payload);
      List<Item> got = Collections.synchronizedList(new ArrayList<>());
      bus.consume("big", serial(), m -> got.add((Item) m));
      bus.send("big", new Item(0, 0, payload));
      await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == 1);
      assertThat(got.get(0).payload()).isEqualTo(payload);
    }
  }

  @Nested
  @DisplayName("request/reply")
  final class RequestReply {
    @Test
    @DisplayName("a request gets its responder's reply")
    void reply() throws Exception {
      bus.respond("commands", q -> new Answer("re: " + ((Question) q).text()));
      assertThat(bus.request("commands", new Question("status"), Duration.ofSeconds(10)).get())
          .isEqualTo(new Answer("re: status"));
    }

    @Test
    @DisplayName("no reply within the timeout fails the future with a TimeoutException naming the channel")
    void timeout() {
      bus.respond("slow-commands", q -> {
        try {
          Thread.sleep(2_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new Answer("late");
      });
      var future = bus.request("slow-commands", new Question("x"), Duration.ofMillis(100));
      assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TimeoutException.class)
          .hasMessageContaining("slow-commands");
    }

    @Test
    @DisplayName("a request to a channel without a responder fails at once")
    void noResponder() {
      var future = bus.request("nobody", new Question("x"), Duration.ofSeconds(10));
      assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("No responder on channel 'nobody'");
    }
  }

  @Nested
  @DisplayName("shutdown")
  final class Shutdown {
    @Test
    @DisplayName("events published before close are all delivered")
    void drainsOnClose() {
      List<Integer> got = Collections.synchronizedList(new ArrayList<>());
      bus.subscribe(Ping.class, p -> got.add(p.n()));
      for (int i = 0; i < 5_000; i++) {
        bus.publish(new Ping(i));
      }
      bus.close();
      assertThat(got).hasSize(5_000);
    }

    @Test
    @DisplayName("using a closed bus fails clearly")
    void closed() {
      bus.close();
      assertThatThrownBy(() -> bus.publish(new Ping(1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      assertThatThrownBy(() -> bus.send("c", new Ping(1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
  }
}
