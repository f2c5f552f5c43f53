package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.Subscription;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.CreditReturn;
import io.aiperf.engine.internal.service.Messages.DatasetReady;
import io.aiperf.engine.internal.service.Messages.Phase;
import io.aiperf.engine.internal.service.Messages.PreparedConversation;
import io.aiperf.engine.internal.service.Messages.PreparedTurn;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.SentEvent;
import io.aiperf.mock.SentStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker whose bus blocks must still read and stamp every response on time: the event loop
 * only stamps and offers, and the worker's hand-off thread is the one that waits. Each stamp is
 * checked against the mock's own log of its writes, on the same clock ({@link System#nanoTime}).
 *
 * <p>Were a bus send made on the event loop (as it once was), the first response to end would
 * park the loop until the bus opens, several seconds later, and every other response on that loop
 * would be read, and stamped, that much after the mock wrote it.
 */
final class WorkerHandoffIT {
  /** Responses on one event loop, all in flight together. */
  private static final int STREAMS = 6;
  /** Tokens per answer: a few hundred ms of streaming each. */
  private static final int TOKENS = 12;
  /** How long the bus stays shut after the mock's last write. */
  private static final Duration SHUT_AFTER_LAST_WRITE = Duration.ofSeconds(3);
  /**
   * How much later than the mock's write a read may be stamped on a loaded two-core machine;
   * a third of the time the bus stays shut, so a loop parked on it cannot pass.
   */
  private static final long LATE_NANOS = Duration.ofSeconds(1).toNanos();

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final GatedBus bus =
      new GatedBus(new InMemoryBusProvider().create(BusConfig.of(1 << 16)));
  private final List<RawRecord> records = new CopyOnWriteArrayList<>();
  private final List<CreditReturn> returns = new CopyOnWriteArrayList<>();
  /** Credit ids whose raw record had arrived when their return did. */
  private final Set<Long> recordBeforeReturn = ConcurrentHashMap.newKeySet();

  @AfterEach
  void close() throws Exception {
    bus.open();
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void aBlockedBus_blocksNoEventLoop_everyReadIsStampedWhenTheMockWroteIt() throws Exception {
    MockLlmServer mock = mock();
    Worker worker = worker(mock, Worker.HELD_BYTES_BUDGET);
    bus.shut();
    for (int i = 0; i < STREAMS; i++) {
      credit(i);
    }
    long lastWrite = awaitAnswered(mock, STREAMS);
    // The hand-off thread is stuck in the bus with the first record: nothing came out yet.
    await().atMost(Duration.ofSeconds(5)).until(() -> bus.waiting() == 1);
    assertThat(records).isEmpty();
    long reopen = lastWrite + SHUT_AFTER_LAST_WRITE.toNanos();
    while (NanoClock.SYSTEM.nanoTime() < reopen) {
      Thread.sleep(50);
    }
    bus.open();
    await().atMost(Duration.ofSeconds(10)).until(() -> returns.size() == STREAMS);

    assertThat(records).hasSize(STREAMS);
    assertStampedOnTime(mock);
    assertThat(recordBeforeReturn).hasSize(STREAMS);
    assertThat(bus.senders).containsOnly(worker.handoff().thread());
  }

  @Test
  void overBudget_theNextCreditWaits_notTheEventLoop() throws Exception {
    MockLlmServer mock = mock();
    // Any ended response is over a budget of one byte.
    Worker worker = worker(mock, 1);
    bus.shut();
    credit(0);
    credit(1);
    awaitAnswered(mock, 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> worker.handoff().heldBytes() > 1
        && bus.waiting() == 1);

    CompletableFuture<Void> third = CompletableFuture.runAsync(() -> credit(2));
    Thread.sleep(500);
    assertThat(third).isNotDone();
    assertThat(mock.requestCount()).isEqualTo(2);

    bus.open();
    third.get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> returns.size() == 3);
    assertStampedOnTime(mock);
    assertThat(recordBeforeReturn).hasSize(3);
  }

  private static BenchmarkConfig config(MockLlmServer mock) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(mock.baseUrl()).model("m").streaming(true))
        .concurrency(STREAMS).dataset(Datasets.synthetic().seed(1)).build();
  }

  private MockLlmServer mock() {
    MockLlmServer mock = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(100)).itl(Duration.ofMillis(30)).separateEvents(true)
        .recordWrites(4 * STREAMS).seed(1).build());
    resources.add(mock);
    return mock;
  }

  private Worker worker(MockLlmServer mock, long budgetBytes) throws Exception {
    BenchmarkConfig config = config(mock);
    resources.add(bus);
    bus.consume(Messages.RAW_RECORDS, Runnable::run, m -> records.add((RawRecord) m));
    bus.consume(Messages.CREDIT_RETURNS, Runnable::run, m -> {
      CreditReturn r = (CreditReturn) m;
      if (records.stream().anyMatch(x -> x.request().creditId() == r.creditId())) {
        recordBeforeReturn.add(r.creditId());
      }
      returns.add(r);
    });
    CountDownLatch received = new CountDownLatch(1);
    bus.subscribe(Messages.DatasetReceived.class, d -> received.countDown());
    Worker worker = new Worker("w", bus, config, false, NanoClock.SYSTEM, budgetBytes);
    resources.add(worker::stop);
    worker.initialize();
    worker.start();
    byte[] body = ("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"stream\":true,\"max_tokens\":" + TOKENS + "}").getBytes(StandardCharsets.UTF_8);
    bus.publish(new DatasetReady(List.of(new PreparedConversation("c0",
        List.of(new PreparedTurn(body, 1, TOKENS)))), 1));
    assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
    return worker;
  }

  private void credit(long id) {
    long now = NanoClock.SYSTEM.nanoTime();
    bus.send(Messages.creditsFor("w"), new Credit(id, Phase.PROFILING, id, 0, 0, now, now, -1));
  }

  /** Waits until the mock wrote the last event of this many answers; returns the last write. */
  private static long awaitAnswered(MockLlmServer mock, int answers) {
    await().atMost(Duration.ofSeconds(15)).until(() -> mock.sentStreams().stream()
        .filter(s -> s.events(SentEvent.Kind.TAIL).stream()
            .anyMatch(e -> e.text().contains("[DONE]"))).count() >= answers);
    return mock.sentStreams().stream().flatMap(s -> s.events().stream())
        .mapToLong(SentEvent::nanos).max().orElseThrow();
  }

  /** Every message of every record was read after its write and at most LATE_NANOS after. */
  private void assertStampedOnTime(MockLlmServer mock) {
    Map<String, SentStream> written = new ConcurrentHashMap<>();
    mock.sentStreams().forEach(s -> written.put(s.requestId(), s));
    for (RawRecord r : records) {
      assertThat(r.response().errorType()).as("error of %s", r.request().creditId()).isNull();
      SentStream s = written.get(r.request().requestId());
      assertThat(s).as("the mock's log of %s", r.request().requestId()).isNotNull();
      long[] read = r.response().messageNanos();
      List<SentEvent> events = s.events();
      assertThat(r.response().messageCount()).isEqualTo(events.size());
      for (int i = 0; i < events.size(); i++) {
        long late = read[i] - events.get(i).nanos();
        assertThat(late).as("credit %d, message %d: read minus write, ns",
            r.request().creditId(), i).isBetween(0L, LATE_NANOS);
      }
    }
  }

  /**
   * A bus whose record channel can be shut: a send there waits until it opens, as a full channel
   * or a slow consumer would make it. Remembers the threads that sent records and returns.
   */
  private static final class GatedBus implements MessageBus {
    private final MessageBus delegate;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final java.util.concurrent.atomic.AtomicInteger waiting =
        new java.util.concurrent.atomic.AtomicInteger();
    final Set<Thread> senders = ConcurrentHashMap.newKeySet();

    GatedBus(MessageBus delegate) {
      this.delegate = delegate;
    }

    void shut() {
      gate = new CountDownLatch(1);
    }

    void open() {
      gate.countDown();
    }

    int waiting() {
      return waiting.get();
    }

    @Override
    public void send(String channel, BusMessage message) {
      if (channel.equals(Messages.RAW_RECORDS) || channel.equals(Messages.CREDIT_RETURNS)) {
        senders.add(Thread.currentThread());
      }
      if (channel.equals(Messages.RAW_RECORDS)) {
        waiting.incrementAndGet();
        try {
          if (!gate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never opened the bus");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        } finally {
          waiting.decrementAndGet();
        }
      }
      delegate.send(channel, message);
    }

    @Override
    public void send(String channel, long routingKey, BusMessage message) {
      delegate.send(channel, routingKey, message);
    }

    @Override
    public void publish(BusMessage message) {
      delegate.publish(message);
    }

    @Override
    public <M extends BusMessage> Subscription subscribe(Class<M> type,
        Consumer<? super M> handler) {
      return delegate.subscribe(type, handler);
    }

    @Override
    public Subscription consume(String channel, Executor executor,
        Consumer<BusMessage> handler) {
      return delegate.consume(channel, executor, handler);
    }

    @Override
    public CompletableFuture<BusMessage> request(String channel, BusMessage request,
        Duration timeout) {
      return delegate.request(channel, request, timeout);
    }

    @Override
    public Subscription respond(String channel, Function<BusMessage, BusMessage> responder) {
      return delegate.respond(channel, responder);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
