package io.aiperf.zmq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.Subscription;
import io.aiperf.zmq.ZmqBus;
import io.aiperf.zmq.ZmqBusOptions;
import io.aiperf.zmq.ZmqMessageBus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Channel messages between services of the hub's JVM are held, not encoded, and still reach a
 * consumer in another process intact, whichever way the race between a send and a new consumer
 * goes.
 */
final class LocalPayloadsTest {
  record Item(int seq, byte[] body) implements BusMessage {}

  private ZmqMessageBus hub;
  private ZmqMessageBus client;

  @BeforeEach
  void open() {
    hub = ZmqBus.hub(ZmqBusOptions.defaults());
    client = ZmqBus.connect(hub.address(), ZmqBusOptions.defaults());
  }

  @AfterEach
  void close() {
    client.close();
    hub.close();
  }

  @Test
  void aConsumerInTheHubsJvm_getsTheSentObjectItself() {
    List<BusMessage> got = new CopyOnWriteArrayList<>();
    hub.consume("local", Runnable::run, got::add);
    Item sent = new Item(1, new byte[] {1, 2, 3});
    hub.send("local", sent);
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
    assertThat(got.get(0)).isSameAs(sent); // neither encoded nor decoded
    await().atMost(Duration.ofSeconds(10)).until(() -> payloads().size() == 0);
  }

  @Test
  void aConsumerInAnotherProcess_getsAnEqualCopy_encodedByTheSender() {
    List<BusMessage> got = new CopyOnWriteArrayList<>();
    client.consume("remote", Runnable::run, got::add);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> ((ZmqMessageBusImpl) hub).hasRemoteConsumer("remote"));
    hub.send("remote", new Item(2, new byte[] {4, 5}));
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
    Item item = (Item) got.get(0);
    assertThat(item.seq()).isEqualTo(2);
    assertThat(item.body()).containsExactly(4, 5);
    assertThat(payloads().size()).isZero();
  }

  /**
   * Sent while the channel had no consumer anywhere, the messages are held by the hub; when a
   * consumer in another process then takes the channel, the hub encodes each for it.
   */
  @Test
  void messagesHeldForNoConsumer_reachALaterConsumerInAnotherProcess() {
    for (int i = 0; i < 5; i++) {
      hub.send("later", new Item(i, new byte[] {(byte) i}));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> payloads().size() == 5);
    List<BusMessage> got = new CopyOnWriteArrayList<>();
    Subscription s = client.consume("later", Runnable::run, got::add);
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 5);
    assertThat(got).extracting(m -> ((Item) m).seq()).containsExactly(0, 1, 2, 3, 4);
    assertThat(got).extracting(m -> ((Item) m).body()[0]).containsExactly((byte) 0, (byte) 1,
        (byte) 2, (byte) 3, (byte) 4);
    assertThat(payloads().size()).isZero();
    s.close();
  }

  /**
   * A consumer of the hub's own bus that runs handlers on the caller's thread gets the own bus's
   * messages on the sending thread once nothing of that channel is on its way through the hub,
   * as from the in-memory bus, and still in the order sent, each once.
   */
  @Test
  void anInlineConsumerOfTheHubsOwnBus_runsOnTheSendersThread_inOrder() {
    List<Integer> got = new CopyOnWriteArrayList<>();
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    hub.consume("inline", Runnable::run, m -> {
      got.add(((Item) m).seq());
      ranOn.add(Thread.currentThread());
    });
    Thread sender = Thread.currentThread();
    int[] sent = {0};
    await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> {
      hub.send("inline", new Item(sent[0]++, new byte[0]));
      return sent[0] >= 2 && ranOn.size() == sent[0] && ranOn.get(sent[0] - 1) == sender;
    });
    for (int i = 0; i < 500; i++) {
      hub.send("inline", new Item(sent[0]++, new byte[0]));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == sent[0]);
    assertThat(got).isSorted().doesNotHaveDuplicates().hasSize(sent[0]);
    assertThat(ranOn).contains(sender);
  }

  /**
   * A consumer of the own bus acknowledges without the hub: with a capacity of one credit, the
   * second send waits until the first message was handled, and then goes through.
   */
  @Test
  void anOwnConsumer_givesTheSendersCreditBack_whenItsHandlerFinished() throws Exception {
    ZmqMessageBus small = ZmqBus.hub(ZmqBusOptions.builder().channelCapacity(1).build());
    try {
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      List<Integer> got = new CopyOnWriteArrayList<>();
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newSingleThreadExecutor();
      small.consume("one", pool, m -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        got.add(((Item) m).seq());
      });
      small.send("one", new Item(0, new byte[0]));
      java.util.concurrent.CompletableFuture<Void> second =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> small.send("one", new Item(1, new byte[0])));
      Thread.sleep(200);
      assertThat(second).isNotDone(); // no credit until the first was handled
      release.countDown();
      second.get(10, java.util.concurrent.TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
      assertThat(got).containsExactly(0, 1);
      pool.shutdown();
    } finally {
      small.close();
    }
  }

  /**
   * With consumers in the hub's JVM and in another process on one channel, each message reaches
   * one of them once, and both kinds of acknowledgement give the sender its credits back (four
   * credits, two hundred messages).
   */
  @Test
  void consumersHereAndElsewhere_shareTheMessages_andReturnEveryCredit() {
    ZmqMessageBus small = ZmqBus.hub(ZmqBusOptions.builder().channelCapacity(4).build());
    ZmqMessageBus other = ZmqBus.connect(small.address(), ZmqBusOptions.defaults());
    try {
      java.util.Set<Integer> here = java.util.concurrent.ConcurrentHashMap.newKeySet();
      java.util.Set<Integer> elsewhere = java.util.concurrent.ConcurrentHashMap.newKeySet();
      List<Integer> twice = new CopyOnWriteArrayList<>();
      small.consume("mixed", Runnable::run, m -> {
        if (!here.add(((Item) m).seq())) {
          twice.add(((Item) m).seq());
        }
      });
      other.consume("mixed", Runnable::run, m -> {
        if (!elsewhere.add(((Item) m).seq())) {
          twice.add(((Item) m).seq());
        }
      });
      await().atMost(Duration.ofSeconds(10))
          .until(() -> ((ZmqMessageBusImpl) small).hasRemoteConsumer("mixed"));
      for (int i = 0; i < 200; i++) {
        small.send("mixed", new Item(i, new byte[] {(byte) i}));
      }
      await().atMost(Duration.ofSeconds(20))
          .until(() -> here.size() + elsewhere.size() + twice.size() >= 200);
      assertThat(twice).isEmpty();
      assertThat(here).doesNotContainAnyElementsOf(elsewhere);
      assertThat(here.size() + elsewhere.size()).isEqualTo(200);
      assertThat(elsewhere).isNotEmpty(); // the hub did not keep them all in its JVM
    } finally {
      other.close();
      small.close();
    }
  }

  private LocalPayloads payloads() {
    return ((ZmqMessageBusImpl) hub).payloads();
  }
}
