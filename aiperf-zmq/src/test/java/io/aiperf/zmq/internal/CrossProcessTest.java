package io.aiperf.zmq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.zmq.ZmqBus;
import io.aiperf.zmq.ZmqBusOptions;
import io.aiperf.zmq.ZmqMessageBus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hub and two clients connected over tcp loopback, as a controller and two worker processes
 * would be: every operation works the same from every side.
 */
final class CrossProcessTest {
  record Item(String from, int seq, byte[] payload) implements BusMessage {}

  record Event(String from, int n) implements BusMessage {}

  record Question(String text) implements BusMessage {}

  record Answer(String text) implements BusMessage {}

  private ZmqMessageBus hub;
  private ZmqMessageBus a;
  private ZmqMessageBus b;
  private final List<ExecutorService> executors = new ArrayList<>();

  @BeforeEach
  void open() {
    ZmqBusOptions options = ZmqBusOptions.builder().channelCapacity(256).build();
    hub = ZmqBus.hub(options);
    a = ZmqBus.connect(hub.address(), options);
    b = ZmqBus.connect(hub.address(), options);
  }

  @AfterEach
  void close() {
    for (MessageBus bus : new MessageBus[] {a, b, hub}) {
      if (bus != null) {
        bus.close();
      }
    }
    executors.forEach(ExecutorService::shutdownNow);
  }

  private ExecutorService serial() {
    ExecutorService e = Executors.newSingleThreadExecutor();
    executors.add(e);
    return e;
  }

  @Test
  void hub_bindsLoopbackOnAnOsChosenPort_andClientsKnowIt() {
    assertThat(hub.isHub()).isTrue();
    assertThat(hub.address()).matches("tcp://127\\.0\\.0\\.1:\\d+").doesNotEndWith(":0");
    assertThat(a.isHub()).isFalse();
    assertThat(a.address()).isEqualTo(hub.address());
    assertThat(a.peerId()).isNotEqualTo(b.peerId());
  }

  @Test
  void consume_loadBalancesAcrossProcesses_exactlyOnce() {
    Map<Integer, Integer> seen = new ConcurrentHashMap<>();
    AtomicInteger onA = new AtomicInteger();
    AtomicInteger onB = new AtomicInteger();
    a.consume("credits", serial(), m -> {
      seen.merge(((Item) m).seq(), 1, Integer::sum);
      onA.incrementAndGet();
    });
    b.consume("credits", serial(), m -> {
      seen.merge(((Item) m).seq(), 1, Integer::sum);
      onB.incrementAndGet();
    });
    for (int i = 0; i < 3_000; i++) {
      hub.send("credits", new Item("hub", i, new byte[0]));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 3_000);
    assertThat(seen.values()).containsOnly(1);
    assertThat(onA.get()).isGreaterThan(0);
    assertThat(onB.get()).isGreaterThan(0);
    assertThat(onA.get() + onB.get()).isEqualTo(3_000);
  }

  @Test
  void routingKey_sticksToOneConsumer_inWhicheverProcess() {
    Map<Long, Set<String>> consumersByKey = new ConcurrentHashMap<>();
    AtomicInteger delivered = new AtomicInteger();
    int c = 0;
    for (ZmqMessageBus bus : List.of(a, a, b, b)) {
      String consumer = bus.peerId() + "#" + c++;
      bus.consume("sessions", serial(), m -> {
        consumersByKey.computeIfAbsent((long) ((Item) m).seq() % 40,
            k -> ConcurrentHashMap.newKeySet()).add(consumer);
        delivered.incrementAndGet();
      });
    }
    for (int i = 0; i < 2_000; i++) {
      // from the hub and from a client alike
      (i % 2 == 0 ? hub : b).send("sessions", i % 40, new Item("x", i, new byte[0]));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> delivered.get() == 2_000);
    assertThat(consumersByKey).hasSize(40);
    consumersByKey.values().forEach(set -> assertThat(set).hasSize(1));
    assertThat(consumersByKey.values().stream().flatMap(Set::stream).distinct().count())
        .as("keys spread over the consumers of both processes").isGreaterThan(2);
  }

  @Test
  void publish_fansOutToEveryProcess_inOrderPerPublisher() {
    List<List<Event>> got = new ArrayList<>();
    for (ZmqMessageBus bus : List.of(hub, a, b)) {
      List<Event> events = Collections.synchronizedList(new ArrayList<>());
      got.add(events);
      bus.subscribe(Event.class, events::add);
    }
    for (int i = 0; i < 500; i++) {
      a.publish(new Event("a", i));
      b.publish(new Event("b", i));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> got.stream()
        .allMatch(l -> l.size() == 1_000));
    for (List<Event> events : got) {
      for (String from : List.of("a", "b")) {
        assertThat(events.stream().filter(e -> e.from().equals(from)).map(Event::n).toList())
            .isSorted().hasSize(500);
      }
    }
  }

  @Test
  void requestReply_worksInEveryDirection() throws Exception {
    hub.respond("hub-commands", q -> new Answer("hub: " + ((Question) q).text()));
    a.respond("a-commands", q -> new Answer("a: " + ((Question) q).text()));
    b.respond("b-commands", q -> new Answer("b: " + ((Question) q).text()));
    Duration t = Duration.ofSeconds(10);
    assertThat(a.request("b-commands", new Question("1"), t).get()).isEqualTo(new Answer("b: 1"));
    assertThat(b.request("hub-commands", new Question("2"), t).get())
        .isEqualTo(new Answer("hub: 2"));
    assertThat(hub.request("a-commands", new Question("3"), t).get())
        .isEqualTo(new Answer("a: 3"));
    assertThat(a.request("a-commands", new Question("4"), t).get()).isEqualTo(new Answer("a: 4"));
    assertThatThrownBy(() -> b.respond("a-commands", q -> q))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Channel 'a-commands' already has a responder");
  }

  @Test
  void requestTimeout_namesTheChannel_whenTheRemoteResponderIsSlow() {
    CountDownLatch release = new CountDownLatch(1);
    b.respond("slow", q -> {
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Answer("late");
    });
    var future = a.request("slow", new Question("x"), Duration.ofMillis(200));
    assertThatThrownBy(future::get).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class)
        .hasMessageContaining("'slow'");
    release.countDown();
  }

  @Test
  void eightMiBPayload_crossesBetweenClients_intact() {
    byte[] payload = new byte[8 << 20];
    new Random(3).nextBytes(payload);
    List<Item> got = Collections.synchronizedList(new ArrayList<>());
    b.consume("big", serial(), m -> got.add((Item) m));
    a.send("big", new Item("a", 0, payload));
    a.publish(new Event("a", 1)); // a small message after a big one still arrives
    await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 1);
    assertThat(got.get(0).payload()).isEqualTo(payload);
  }

  @Test
  void slowRemoteConsumer_blocksTheSender_insteadOfDroppingMessages() throws Exception {
    ZmqBusOptions small = ZmqBusOptions.builder().channelCapacity(8).build();
    try (ZmqMessageBus sender = ZmqBus.connect(hub.address(), small)) {
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger consumed = new AtomicInteger();
      b.consume("slow", serial(), m -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        consumed.incrementAndGet();
      });
      AtomicInteger sent = new AtomicInteger();
      Thread t = new Thread(() -> {
        for (int i = 0; i < 50; i++) {
          sender.send("slow", new Item("s", i, new byte[0]));
          sent.incrementAndGet();
        }
      });
      t.start();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> sent.get() == 8 && t.getState() == Thread.State.WAITING);
      release.countDown();
      t.join(10_000);
      await().atMost(Duration.ofSeconds(10)).until(() -> consumed.get() == 50);
    }
  }

  @Test
  void closingASender_firstDeliversEverythingItSent() {
    List<Integer> got = Collections.synchronizedList(new ArrayList<>());
    List<Integer> events = Collections.synchronizedList(new ArrayList<>());
    b.consume("records", serial(), m -> {
      got.add(((Item) m).seq());
      if (got.size() % 500 == 0) {
        sleep(20); // a consumer slower than the sender
      }
    });
    hub.subscribe(Event.class, e -> events.add(e.n()));
    for (int i = 0; i < 5_000; i++) {
      a.send("records", new Item("a", i, new byte[16]));
      if (i % 10 == 0) {
        a.publish(new Event("a", i));
      }
    }
    a.close(); // returns once every record was handled by b
    assertThat(got).hasSize(5_000);
    for (int i = 0; i < 5_000; i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 500);
    assertThatThrownBy(() -> a.send("records", new Item("a", -1, new byte[0])))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void aConsumerThatLeaves_handsItsUndeliveredShareToTheOthers() {
    Map<Integer, Integer> seen = new ConcurrentHashMap<>();
    AtomicInteger onA = new AtomicInteger();
    var leaving = a.consume("work", serial(), m -> {
      seen.merge(((Item) m).seq(), 1, Integer::sum);
      onA.incrementAndGet();
      sleep(1);
    });
    b.consume("work", serial(), m -> seen.merge(((Item) m).seq(), 1, Integer::sum));
    Thread sender = new Thread(() -> {
      for (int i = 0; i < 2_000; i++) {
        hub.send("work", new Item("hub", i, new byte[0]));
      }
    });
    sender.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> onA.get() > 20);
    leaving.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 2_000);
    assertThat(seen.values()).containsOnly(1);
  }

  @Test
  void clientWithoutAHub_failsWithinTheConnectTimeout() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> ZmqBus.connect("tcp://127.0.0.1:1", ZmqBusOptions.builder()
        .connectTimeout(Duration.ofMillis(500)).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("No answer from the ZMQ hub at tcp://127.0.0.1:1 within PT0.5S");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
