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
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.CreditReturn;
import io.aiperf.engine.internal.service.Messages.CreditsComplete;
import io.aiperf.engine.internal.service.Messages.DatasetReady;
import io.aiperf.engine.internal.service.Messages.Phase;
import io.aiperf.engine.internal.service.Messages.PreparedConversation;
import io.aiperf.engine.internal.service.Messages.PreparedTurn;
import io.aiperf.engine.internal.service.Messages.ProfileStart;
import io.aiperf.engine.internal.timing.ArrivalSchedule;
import io.aiperf.engine.internal.timing.Pacer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The timing manager on an injected clock: the pacer jumps the clock to each deadline. */
final class TimingManagerTest {
  private static final long SEED = 11;

  private final ManualClock clock = new ManualClock(5_000_000_000L);
  private final AtomicLong now = clock.now;
  private final Pacer jumpingPacer = deadline -> {
    now.accumulateAndGet(deadline, Math::max);
    return true;
  };
  private final MessageBus bus = new InMemoryBusProvider().create(BusConfig.of(1 << 16));
  private final List<Credit> credits = new CopyOnWriteArrayList<>();
  private final List<CreditsComplete> completions = new CopyOnWriteArrayList<>();
  private TimingManager timing;

  @AfterEach
  void close() {
    if (timing != null) {
      timing.stop();
    }
    bus.close();
  }

  private void run(BenchmarkConfig config, Consumer<Credit> onCredit) throws Exception {
    bus.consume(Messages.creditsFor("w"), Runnable::run, m -> {
      Credit c = (Credit) m;
      credits.add(c);
      onCredit.accept(c);
    });
    bus.subscribe(CreditsComplete.class, completions::add);
    timing = new TimingManager("timing_manager", bus, config, clock, jumpingPacer);
    timing.initialize();
    timing.start();
    bus.publish(new Messages.WorkersReady(List.of("w")));
    bus.publish(new DatasetReady(List.of(new PreparedConversation("c0",
        List.of(new PreparedTurn(new byte[0], 1, 0)))), SEED));
    bus.publish(new ProfileStart());
  }

  private static Benchmark.Builder base() {
    return Benchmark.builder().endpoint(Endpoints.openAiChat("http://127.0.0.1:1").model("m"))
        .dataset(Datasets.synthetic().seed(SEED));
  }

  private void returnAtOnce(Credit c) {
    bus.send(Messages.CREDIT_RETURNS, new CreditReturn(c.id(), c.phase(), "w"));
  }

  @Test
  void constantRate_intendedTimesAreExact() throws Exception {
    run(base().requestRate(400).arrivalPattern(ArrivalPattern.CONSTANT).requestCount(50).build(),
        this::returnAtOnce);
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);
    assertThat(credits).hasSize(50);
    long first = credits.get(0).intendedNanos();
    for (int i = 0; i < credits.size(); i++) {
      assertThat(credits.get(i).intendedNanos() - first).isEqualTo(i * 2_500_000L);
    }
    assertThat(completions.get(0)).isEqualTo(new CreditsComplete(Phase.PROFILING, 50, false, 0));
  }

  @Test
  void poissonRate_followsTheSeededSchedule() throws Exception {
    BenchmarkConfig config = base().requestRate(1000).requestCount(200).build();
    run(config, this::returnAtOnce);
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);
    ArrivalSchedule expected = new ArrivalSchedule(ArrivalPattern.POISSON, 1.0,
        SEED ^ 0x5EED5EEDL ^ Phase.PROFILING.ordinal());
    long t = credits.get(0).intendedNanos();
    for (int i = 1; i < credits.size(); i++) {
      t += expected.nextGapNanos(1000);
      assertThat(credits.get(i).intendedNanos()).isEqualTo(t);
    }
  }

  @Test
  void requestRateRamp_growsLinearlyFromATenthOfASecondsWorth() throws Exception {
    run(base().requestRate(100).arrivalPattern(ArrivalPattern.CONSTANT)
        .requestRateRampDuration(Duration.ofSeconds(1)).requestCount(160).build(),
        this::returnAtOnce);
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);
    // At t = 0 the rate is the floor, 100 × 0.1 s / 1 s = 10/s: a 100 ms gap.
    assertThat(credits.get(1).intendedNanos() - credits.get(0).intendedNanos())
        .isEqualTo(100_000_000L);
    // Once the ramp is over, the target rate: 10 ms gaps.
    Credit last = credits.get(159);
    assertThat(last.intendedNanos() - credits.get(158).intendedNanos()).isEqualTo(10_000_000L);
    // Gaps shrink monotonically during the ramp.
    for (int i = 2; i < 160; i++) {
      long gap = credits.get(i).intendedNanos() - credits.get(i - 1).intendedNanos();
      long previous = credits.get(i - 1).intendedNanos() - credits.get(i - 2).intendedNanos();
      assertThat(gap).isLessThanOrEqualTo(previous);
    }
  }

  @Test
  void concurrencyRamp_addsSlotsOverTheRampTime() throws Exception {
    // Real time here: the ramp adds slots as time passes. Requests are held, never returned.
    TimingManager real = new TimingManager("timing_manager", bus,
        base().concurrency(8).concurrencyRampDuration(Duration.ofMillis(400)).requestCount(8)
            .build(), NanoClock.SYSTEM, Pacer.parkThenSpin(NanoClock.SYSTEM));
    List<Long> arrivals = new CopyOnWriteArrayList<>();
    bus.consume(Messages.creditsFor("w"), Runnable::run, m -> arrivals.add(System.nanoTime()));
    timing = real;
    real.initialize();
    real.start();
    bus.publish(new Messages.WorkersReady(List.of("w")));
    bus.publish(new DatasetReady(List.of(new PreparedConversation("c0",
        List.of(new PreparedTurn(new byte[0], 1, 0)))), SEED));
    bus.publish(new ProfileStart());
    await().atMost(Duration.ofSeconds(10)).until(() -> arrivals.size() == 8);
    // Slot 8 opens only once the ramp is (nearly) over: 7/8 of 400 ms at the earliest.
    assertThat(arrivals.get(7) - arrivals.get(0)).isGreaterThanOrEqualTo(300_000_000L);
  }

  @Test
  void duration_stopsIssuingAtTheEnd() throws Exception {
    run(base().requestRate(100).arrivalPattern(ArrivalPattern.CONSTANT)
        .benchmarkDuration(Duration.ofSeconds(2)).build(), this::returnAtOnce);
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);
    // 10 ms apart from t=0: sends at 0 ... 1.99 s, none at or after 2 s.
    assertThat(credits).hasSize(200);
    assertThat(credits.get(199).intendedNanos() - credits.get(0).intendedNanos())
        .isEqualTo(1_990_000_000L);
  }

  @Test
  void concurrency_isAHardLimitInFlight() throws Exception {
    List<Credit> held = Collections.synchronizedList(new ArrayList<>());
    run(base().concurrency(3).requestCount(10).build(), held::add);
    await().atMost(Duration.ofSeconds(10)).until(() -> credits.size() == 3);
    Thread.sleep(200); // a fourth credit would have come by now if the limit leaked
    assertThat(credits).hasSize(3);
    returnAtOnce(held.get(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> credits.size() == 4);
    assertThat(credits).hasSize(4);
  }

  @Test
  void warmup_comesFirst_asItsOwnPhase() throws Exception {
    run(base().concurrency(2).warmupRequestCount(5).requestCount(7).build(), this::returnAtOnce);
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 2);
    assertThat(credits).hasSize(12);
    assertThat(credits.subList(0, 5)).allMatch(c -> c.phase() == Phase.WARMUP);
    assertThat(credits.subList(5, 12)).allMatch(c -> c.phase() == Phase.PROFILING);
    // Warmup credits are numbered 0-4, profiling ones from 5.
    assertThat(completions).containsExactly(new CreditsComplete(Phase.WARMUP, 5, false, 0),
        new CreditsComplete(Phase.PROFILING, 7, false, 5));
  }

  @Test
  void warmupNumSessions_endsTheWarmupAfterThatManySessions() throws Exception {
    run(base().concurrency(2).warmupNumSessions(3).requestCount(4).build(), this::returnAtOnce);
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 2);
    assertThat(completions).containsExactly(new CreditsComplete(Phase.WARMUP, 3, false, 0),
        new CreditsComplete(Phase.PROFILING, 4, false, 3));
  }

  @Test
  void warmupArrivalPatternAndRamp_shapeTheWarmupOnly() throws Exception {
    // A constant warmup at 100/s ramping over 1 s, then a Poisson profiling phase with no ramp.
    run(base().requestRate(1000).requestCount(20).warmupRequestCount(30)
        .warmupRequestRate(100).warmupArrivalPattern(ArrivalPattern.CONSTANT)
        .warmupRequestRateRampDuration(Duration.ofSeconds(1)).build(), this::returnAtOnce);
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 2);
    List<Credit> warmup = credits.subList(0, 30);
    // Ramp: the first gap is the floor's 100 ms, the gaps never grow, and they are exact
    // (constant spacing) rather than drawn.
    assertThat(warmup.get(1).intendedNanos() - warmup.get(0).intendedNanos())
        .isEqualTo(100_000_000L);
    for (int i = 2; i < 30; i++) {
      assertThat(warmup.get(i).intendedNanos() - warmup.get(i - 1).intendedNanos())
          .isLessThanOrEqualTo(warmup.get(i - 1).intendedNanos()
              - warmup.get(i - 2).intendedNanos());
    }
    ArrivalSchedule poisson = new ArrivalSchedule(ArrivalPattern.POISSON, 1.0,
        SEED ^ 0x5EED5EEDL ^ Phase.PROFILING.ordinal());
    List<Credit> profiling = credits.subList(30, 50);
    long t = profiling.get(0).intendedNanos();
    for (int i = 1; i < profiling.size(); i++) {
      t += poisson.nextGapNanos(1000);
      assertThat(profiling.get(i).intendedNanos()).isEqualTo(t);
    }
  }

  @Test
  void warmupConcurrencyRamp_rampsTheWarmup_notTheProfilingPhase() throws Exception {
    List<Credit> held = new CopyOnWriteArrayList<>();
    run(base().concurrency(4).warmupRequestCount(8)
        .warmupConcurrencyRampDuration(Duration.ofSeconds(30)).requestCount(8).build(),
        held::add);
    // The warmup starts with one slot (its ramp is 30 s of the test's clock, which stands still).
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
    Thread.sleep(200);
    assertThat(held).hasSize(1);
    for (int i = 0; i < 8; i++) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !held.isEmpty());
      returnAtOnce(held.remove(0));
    }
    // The profiling phase has no ramp: all four slots at once.
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 4);
    assertThat(held).allMatch(c -> c.phase() == Phase.PROFILING);
    // The run ends before the bus closes: a phase that ended only once the test had closed it
    // would fail publishing its end, and awaitility reports that in whichever test runs next.
    for (int i = 0; i < 8; i++) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !held.isEmpty());
      returnAtOnce(held.remove(0));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> completions.size() == 2);
  }

  @Test
  void cancellationRate_picksTheAskedShare_withTheDelay() throws Exception {
    run(base().concurrency(8).requestCount(4_000)
        .requestCancellation(25, Duration.ofMillis(300)).build(), this::returnAtOnce);
    await().atMost(Duration.ofSeconds(20)).until(() -> completions.size() == 1);
    long picked = credits.stream().filter(c -> c.cancelAfterNanos() >= 0).count();
    // Binomial(4000, 0.25): sd 27.4; ±6 sd.
    assertThat(picked).isBetween(1_000L - 165, 1_000L + 165);
    assertThat(credits).filteredOn(c -> c.cancelAfterNanos() >= 0)
        .allMatch(c -> c.cancelAfterNanos() == 300_000_000L);
  }

  @Test
  void lostWorker_itsRequestsInFlightAreWrittenOff_andTheRunEndsOnTheOthers() throws Exception {
    List<Credit> toA = new CopyOnWriteArrayList<>();
    List<Credit> toB = new CopyOnWriteArrayList<>();
    List<Messages.RawRecord> writtenOff = new CopyOnWriteArrayList<>();
    bus.consume(Messages.creditsFor("a"), Runnable::run, m -> {
      toA.add((Credit) m);
      returnAtOnce((Credit) m);
    });
    // Worker b takes credits and never answers: a process that died.
    bus.consume(Messages.creditsFor("b"), Runnable::run, m -> toB.add((Credit) m));
    bus.consume(Messages.RAW_RECORDS, Runnable::run, m -> writtenOff.add((Messages.RawRecord) m));
    bus.subscribe(CreditsComplete.class, completions::add);
    timing = new TimingManager("timing_manager", bus,
        base().concurrency(4).requestCount(40).build(), clock, jumpingPacer);
    timing.initialize();
    timing.start();
    bus.publish(new Messages.WorkersReady(List.of("a", "b")));
    bus.publish(new DatasetReady(List.of(new PreparedConversation("c0",
        List.of(new PreparedTurn(new byte[0], 1, 0)))), SEED));
    bus.publish(new ProfileStart());

    // b holds some slots; a serves the rest until b's slots are all it has left.
    await().atMost(Duration.ofSeconds(10)).until(() -> !toB.isEmpty());
    bus.publish(new Messages.WorkerLost("b", "no heartbeat for 3.0 s"));
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);

    assertThat(completions.get(0).sent()).isEqualTo(40);
    assertThat(toA.size() + toB.size()).isEqualTo(40);
    // Every credit b took became a WorkerLost record naming b; none is left over.
    assertThat(writtenOff).hasSameSizeAs(toB).allSatisfy(r -> {
      assertThat(r.response().errorType()).isEqualTo("WorkerLost");
      assertThat(r.request().workerId()).isEqualTo("b");
      assertThat(r.response().errorMessage())
          .contains("Worker b was lost (no heartbeat for 3.0 s)");
    });
    assertThat(writtenOff).extracting(r -> r.request().creditId())
        .containsExactlyInAnyOrderElementsOf(toB.stream().map(Credit::id).toList());
  }

  @Test
  void creditReturns_areSettledOnTheTimingManagersThread_notTheSenders() throws Exception {
    // Two-turn sessions: the second turn is issued when the first is settled, wherever that is.
    List<String> issuedOn = new CopyOnWriteArrayList<>();
    java.util.concurrent.ExecutorService io = java.util.concurrent.Executors.newSingleThreadExecutor(
        r -> new Thread(r, "fake-io-thread"));
    try {
      bus.consume(Messages.creditsFor("w"), Runnable::run, m -> {
        Credit c = (Credit) m;
        credits.add(c);
        issuedOn.add(Thread.currentThread().getName());
        io.execute(() -> returnAtOnce(c));
      });
      bus.subscribe(CreditsComplete.class, completions::add);
      timing = new TimingManager("timing_manager", bus, base().concurrency(2).requestCount(20)
          .build(), clock, jumpingPacer);
      timing.initialize();
      timing.start();
      bus.publish(new Messages.WorkersReady(List.of("w")));
      bus.publish(new DatasetReady(List.of(new PreparedConversation("c0", List.of(
          new PreparedTurn(new byte[0], 1, 0),
          new PreparedTurn(null, -1, new io.aiperf.api.spi.Turn(List.of("next"), 1, 0, -1))))),
          SEED));
      bus.publish(new ProfileStart());
      await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == 1);
    } finally {
      io.shutdownNow();
    }
    assertThat(credits).hasSize(20);
    // First turns come from the pacing thread, second turns from the credit loop: never from the
    // I/O thread that returned the credit.
    assertThat(issuedOn).doesNotContain("fake-io-thread").contains("aiperf-timing", "aiperf-credits");
    for (int i = 0; i < credits.size(); i++) {
      assertThat(issuedOn.get(i)).isEqualTo(credits.get(i).turn() == 0 ? "aiperf-timing"
          : "aiperf-credits");
    }
  }

  @Test
  void prefillConcurrency_holdsNewSessionsUntilTheFirstToken() throws Exception {
    List<Credit> held = new CopyOnWriteArrayList<>();
    run(Benchmark.builder().endpoint(Endpoints.openAiChat("http://127.0.0.1:1").model("m")
        .streaming(true)).dataset(Datasets.synthetic().seed(SEED))
        .concurrency(4).prefillConcurrency(1).requestCount(6).build(), held::add);
    await().atMost(Duration.ofSeconds(10)).until(() -> credits.size() == 1);
    Thread.sleep(200); // a second credit would have come by now if prefill did not hold it
    assertThat(credits).hasSize(1);
    bus.send(Messages.CREDIT_RETURNS, new Messages.FirstToken(held.get(0).id(), Phase.PROFILING));
    await().atMost(Duration.ofSeconds(10)).until(() -> credits.size() == 2);
    // The first request still streams: it holds its concurrency slot, not the prefill slot.
    returnAtOnce(held.get(1)); // ended before its first token: its prefill slot is freed too
    await().atMost(Duration.ofSeconds(10)).until(() -> credits.size() == 3);
    Thread.sleep(200);
    assertThat(credits).hasSize(3);
  }
}
