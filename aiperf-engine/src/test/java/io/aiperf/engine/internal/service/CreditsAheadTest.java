package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.ArrivalPattern;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.CreditReturn;
import io.aiperf.engine.internal.service.Messages.CreditsComplete;
import io.aiperf.engine.internal.service.Messages.DatasetReady;
import io.aiperf.engine.internal.service.Messages.PreparedConversation;
import io.aiperf.engine.internal.service.Messages.PreparedTurn;
import io.aiperf.engine.internal.timing.Pacer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The timing manager sends a timed schedule's credits ahead to workers that hold them, and only
 * to those; it takes back what a cancelled run's workers held unsent, and gives what a lost
 * worker held for a time still to come to another worker. On an injected clock that the pacer
 * jumps to each deadline, so "when" is exact.
 */
final class CreditsAheadTest {
  private static final long SEED = 11;
  private static final long LEAD = CreditDispatch.LEAD_NANOS;

  private final ManualClock clock = new ManualClock(5_000_000_000L);
  private final AtomicLong now = clock.now;
  /** The pacer stops before deadlines past this until a test moves it. */
  private final AtomicLong gate = new AtomicLong(Long.MAX_VALUE);
  private final Pacer gatedJumpingPacer = deadline -> {
    while (deadline > gate.get()) {
      Thread.onSpinWait();
    }
    now.accumulateAndGet(deadline, Math::max);
    return true;
  };
  private final MessageBus bus = new InMemoryBusProvider().create(BusConfig.of(1 << 16));
  /** Each credit a worker got, with the clock when it got it. */
  private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
  private final List<CreditsComplete> completions = new CopyOnWriteArrayList<>();
  private TimingManager timing;

  private record Received(Credit credit, long nanos) {}

  @AfterEach
  void close() {
    gate.set(Long.MAX_VALUE);
    if (timing != null) {
      timing.stop();
    }
    bus.close();
  }

  private static Benchmark.Builder base() {
    return Benchmark.builder().endpoint(Endpoints.openAiChat("http://127.0.0.1:1").model("m"))
        .dataset(Datasets.synthetic().seed(SEED));
  }

  /** A worker that records what it gets and then does what the test says with it. */
  private void worker(String id, BiConsumer<String, Credit> then) {
    received.put(id, new CopyOnWriteArrayList<>());
    bus.consume(Messages.creditsFor(id), Runnable::run, m -> {
      Credit c = (Credit) m;
      received.get(id).add(new Received(c, now.get()));
      then.accept(id, c);
    });
  }

  private void returnAtOnce(String worker, Credit c) {
    bus.send(Messages.CREDIT_RETURNS, new CreditReturn(c.id(), c.phase(), worker));
  }

  private void start(BenchmarkConfig config, List<String> workers, List<String> holding)
      throws Exception {
    bus.subscribe(CreditsComplete.class, completions::add);
    timing = new TimingManager("timing_manager", bus, config, clock, gatedJumpingPacer);
    timing.initialize();
    timing.start();
    bus.publish(new Messages.WorkersReady(workers, holding));
    bus.publish(new DatasetReady(List.of(new PreparedConversation("c0",
        List.of(new PreparedTurn(new byte[0], 1, 0)))), SEED));
    bus.publish(new Messages.ProfileStart());
  }

  private List<Received> all() {
    return received.values().stream().flatMap(List::stream).toList();
  }

  @Test
  void aTimedSchedule_goesAheadToAHoldingWorker_byTheLead() throws Exception {
    worker("r", this::returnAtOnce);
    start(base().requestRate(100).arrivalPattern(ArrivalPattern.CONSTANT).requestCount(40)
        .build(), List.of("r"), List.of("r"));
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);

    List<Received> got = received.get("r");
    assertThat(got).hasSize(40);
    long first = got.get(0).credit().intendedNanos();
    for (int i = 0; i < got.size(); i++) {
      Credit c = got.get(i).credit();
      // The schedule is the same; only the sending moved, by the lead.
      assertThat(c.intendedNanos() - first).isEqualTo(i * 10_000_000L);
      assertThat(c.ahead()).as("credit %d", i).isTrue();
      assertThat(got.get(i).nanos()).as("sent at, credit %d", i)
          .isEqualTo(c.intendedNanos() - LEAD);
      // Held is not queued: it counts as issued at its time.
      assertThat(c.issuedNanos()).isEqualTo(c.intendedNanos());
    }
    assertThat(completions.get(0).sent()).isEqualTo(40);
  }

  @Test
  void withoutAHoldingWorker_creditsGoAtTheirTime_asInOneJvm() throws Exception {
    worker("w", this::returnAtOnce);
    start(base().requestRate(100).arrivalPattern(ArrivalPattern.CONSTANT).requestCount(20)
        .build(), List.of("w"), List.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);

    assertThat(received.get("w")).hasSize(20).allSatisfy(r -> {
      assertThat(r.credit().ahead()).isFalse();
      assertThat(r.nanos()).isEqualTo(r.credit().intendedNanos());
    });
  }

  @Test
  void aClosedLoop_neverGoesAhead() throws Exception {
    worker("r", this::returnAtOnce);
    start(base().concurrency(2).requestCount(20).build(), List.of("r"), List.of("r"));
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);

    assertThat(received.get("r")).hasSize(20)
        .allSatisfy(r -> assertThat(r.credit().ahead()).isFalse());
  }

  @Test
  void aWorkerThatDoesNotHold_getsItsCreditsAtTheirTime_besideOneThatDoes() throws Exception {
    worker("r", this::returnAtOnce);
    worker("local", this::returnAtOnce);
    start(base().requestRate(100).arrivalPattern(ArrivalPattern.CONSTANT).requestCount(40)
        .build(), List.of("r", "local"), List.of("r"));
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);

    // The pacing thread waits for each of local's credits, so r's go less far ahead after one.
    assertThat(received.get("r")).isNotEmpty().allSatisfy(r -> {
      assertThat(r.credit().ahead()).isTrue();
      assertThat(r.nanos()).isBetween(r.credit().intendedNanos() - LEAD,
          r.credit().intendedNanos() - 1);
    });
    assertThat(received.get("local")).isNotEmpty().allSatisfy(r -> {
      assertThat(r.credit().ahead()).isFalse();
      assertThat(r.nanos()).isGreaterThanOrEqualTo(r.credit().intendedNanos());
    });
    assertThat(all()).hasSize(40);
  }

  @Test
  void aCancelledRun_takesBackWhatWasHeldUnsent_offTheSentCount() throws Exception {
    // The worker makes a request of its first 10 credits and holds the rest until the cancel,
    // when it gives them back unsent, as a remote worker does.
    List<Credit> holding = new CopyOnWriteArrayList<>();
    worker("r", (w, c) -> {
      if (received.get("r").size() <= 10) {
        returnAtOnce(w, c);
      } else {
        holding.add(c);
      }
    });
    bus.subscribe(Messages.ProfileCancel.class, m -> holding.forEach(c -> bus.send(
        Messages.CREDIT_RETURNS, new CreditReturn(c.id(), c.phase(), "r", true))));
    start(base().requestRate(100).arrivalPattern(ArrivalPattern.CONSTANT).requestCount(40)
        .build(), List.of("r"), List.of("r"));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.get("r").size() == 40);
    bus.publish(new Messages.ProfileCancel("test"));
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);

    assertThat(holding).hasSize(30);
    // Sent: the requests made, and only those, so the records manager waits for 10 records.
    assertThat(completions.get(0).sent()).isEqualTo(10);
    assertThat(completions.get(0).cancelled()).isTrue();
  }

  @Test
  void aLostWorkersCreditsForALaterTime_goToAnother_theRestAreWrittenOff() throws Exception {
    // Neither worker answers until the test says: credits alternate between them.
    Set<Long> answering = ConcurrentHashMap.newKeySet();
    worker("a", (w, c) -> {
      if (!answering.isEmpty()) {
        returnAtOnce(w, c);
      }
    });
    worker("b", (w, c) -> { }); // b's process died: it answers nothing
    List<Messages.RawRecord> writtenOff = new CopyOnWriteArrayList<>();
    bus.consume(Messages.RAW_RECORDS, Runnable::run, m -> writtenOff.add((Messages.RawRecord) m));
    // 200/s: a credit every 5 ms, each sent 20 ms ahead. The pacer stops 100 ms in: 21 sent,
    // the last four of them for times still to come.
    gate.set(now.get() + 100_000_000L);
    start(base().requestRate(200).arrivalPattern(ArrivalPattern.CONSTANT).requestCount(40)
        .build(), List.of("a", "b"), List.of("a", "b"));
    await().atMost(Duration.ofSeconds(10)).until(() -> all().size() == 21);
    long lostAt = now.get();
    List<Credit> toB = received.get("b").stream().map(Received::credit).toList();
    Set<Long> heldForLater = toB.stream().filter(c -> c.intendedNanos() > lostAt)
        .map(Credit::id).collect(Collectors.toSet());
    Set<Long> gone = toB.stream().filter(c -> c.intendedNanos() <= lostAt)
        .map(Credit::id).collect(Collectors.toSet());
    assertThat(heldForLater).as("b's credits ahead of the clock").isNotEmpty();
    assertThat(gone).as("b's credits whose time has come").isNotEmpty();

    bus.publish(new Messages.WorkerLost("b", "no heartbeat for 3.0 s"));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.get("a").stream()
        .map(r -> r.credit().id()).collect(Collectors.toSet()).containsAll(heldForLater));
    await().atMost(Duration.ofSeconds(10)).until(() -> writtenOff.size() == gone.size());
    // Re-issued at once, still ahead of their time, to a worker that holds them.
    assertThat(received.get("a")).filteredOn(r -> heldForLater.contains(r.credit().id()))
        .allSatisfy(r -> {
          assertThat(r.credit().ahead()).isTrue();
          assertThat(r.nanos()).isLessThan(r.credit().intendedNanos());
        });
    assertThat(writtenOff).extracting(r -> r.request().creditId())
        .containsExactlyInAnyOrderElementsOf(gone);

    // The rest of the run goes to a, which now answers, including what it held.
    answering.add(1L);
    received.get("a").forEach(r -> returnAtOnce("a", r.credit()));
    gate.set(Long.MAX_VALUE);
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);
    assertThat(completions.get(0).sent()).isEqualTo(40);
    Set<Long> answered = received.get("a").stream().map(r -> r.credit().id())
        .collect(Collectors.toSet());
    // Every credit is either answered by a or a WorkerLost record; none is both or neither.
    assertThat(answered).doesNotContainAnyElementsOf(gone);
    assertThat(answered.size() + writtenOff.size()).isEqualTo(40);
  }
}
