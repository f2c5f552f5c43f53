package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.metrics.RecordValues;
import io.aiperf.engine.internal.service.Messages.CreditsComplete;
import io.aiperf.engine.internal.service.Messages.Phase;
import io.aiperf.engine.internal.service.Messages.PhaseStarted;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import io.aiperf.engine.internal.service.Messages.ProfileResults;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Records that arrive long after the load ended (record processors behind) are said in the
 * result, with how many waited and for how long; records that keep up say nothing.
 */
final class RecordsBacklogTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 100 * S;

  /** The manager's clock: moves when the test says. */
  private final ManualClock clock = new ManualClock(T0);
  private final AtomicLong now = clock.now;
  private final MessageBus bus = new InMemoryBusProvider().create(BusConfig.of(1024));
  private final AtomicReference<ProfileResults> results = new AtomicReference<>();
  private RecordsManager manager;

  private void start() throws Exception {
    var config = Benchmark.builder().endpoint(Endpoints.openAiChat("http://x").model("m"))
        .recordProcessors(3).build();
    manager = new RecordsManager("records_manager", bus, config, clock);
    bus.subscribe(ProfileResults.class, results::set);
    manager.initialize();
    manager.start();
    bus.publish(new PhaseStarted(Phase.PROFILING, T0, 0));
  }

  @AfterEach
  void stop() {
    if (manager != null) {
      manager.stop();
    }
    bus.close();
  }

  /** Ten requests over the first two seconds, each 100 ms long. */
  private static ProcessedRecord record(long creditId) {
    long start = T0 + creditId * S / 5;
    return new ProcessedRecord(creditId, Phase.PROFILING, start, start + S / 10, true, 0, null,
        null, RecordValues.single(MetricRegistry.installed().id("request_latency"), S / 10.0),
        null);
  }

  private BenchmarkResult run(long lateNanos) throws Exception {
    start();
    for (long id = 0; id < 6; id++) {
      bus.send(Messages.RECORDS, record(id));
    }
    now.set(T0 + 2 * S); // the load ends with four responses still in the record processors
    bus.publish(new CreditsComplete(Phase.PROFILING, 10, false, 0));
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
        .until(() -> results.get() == null);
    now.addAndGet(lateNanos);
    for (long id = 6; id < 10; id++) {
      bus.send(Messages.RECORDS, record(id));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> results.get() != null);
    return results.get().result();
  }

  @Test
  void recordsArrivingSecondsAfterTheLoad_areSaidInTheResult() throws Exception {
    BenchmarkResult r = run(3 * S);
    assertThat(r.requestsCompleted()).isEqualTo(10);
    assertThat(r.warnings()).anySatisfy(w -> assertThat(w)
        .startsWith("Record processing fell behind the load: 4 of 10 responses were still"
            + " waiting to be processed when the last request ended, and the last was processed"
            + " 3.0 s later (the benchmark window was 1.9 s)")
        .contains("--record-processors, 3 now"));
  }

  @Test
  void recordsThatKeepUp_sayNothing() throws Exception {
    BenchmarkResult r = run(S / 5);
    assertThat(r.requestsCompleted()).isEqualTo(10);
    assertThat(r.warnings()).noneMatch(w -> w.contains("Record processing fell behind"));
  }
}
