package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
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
import io.aiperf.engine.internal.service.Messages.ServiceFailed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every request sent ends in exactly one record: the records manager's answer when that breaks
 * on purpose. A lost record fails the run loudly (not a run that never ends), a second record
 * for one request is dropped, and a late one is still counted.
 */
final class RecordsConservationTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 100 * S;

  /** The watchdog's clock: moves when the test says, so a 30 s silence takes no 30 s. */
  private final ManualClock clock = new ManualClock(T0);
  private final AtomicLong now = clock.now;
  private final MessageBus bus = new InMemoryBusProvider().create(BusConfig.of(1024));
  private final AtomicReference<ProfileResults> results = new AtomicReference<>();
  private final AtomicReference<ServiceFailed> failed = new AtomicReference<>();
  private RecordsManager manager;

  private RecordsManager start(Path dir) throws Exception {
    startWithoutPhase(dir);
    bus.publish(new PhaseStarted(Phase.PROFILING, T0, 0));
    return manager;
  }

  private void startWithoutPhase(Path dir) throws Exception {
    var config = Benchmark.builder().endpoint(Endpoints.openAiChat("http://x").model("m"))
        .artifactDir(dir).build();
    manager = new RecordsManager("records_manager", bus, config, clock);
    bus.subscribe(ProfileResults.class, results::set);
    bus.subscribe(ServiceFailed.class, failed::set);
    manager.initialize();
    manager.start();
  }

  @AfterEach
  void stop() {
    if (manager != null) {
      manager.stop();
    }
    bus.close();
  }

  private static ProcessedRecord record(long creditId) {
    long start = T0 + creditId * S / 10;
    return new ProcessedRecord(creditId, Phase.PROFILING, start, start + S / 20, true, 0, null,
        null, RecordValues.single(MetricRegistry.installed().id("request_latency"), S / 20.0),
        null);
  }

  @Test
  void aLostRecord_failsTheRunLoudly_withinBoundedTime(
      @TempDir Path dir) throws Exception {
    start(dir);
    for (long id = 0; id < 4; id++) {
      if (id != 2) { // record 2 is lost on its way
        bus.send(Messages.RECORDS, record(id));
      }
    }
    bus.publish(new CreditsComplete(Phase.PROFILING, 4, false, 0));
    // Nothing can finish yet: three of four records.
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
        .until(() -> results.get() == null && failed.get() == null);
    now.addAndGet(31 * S); // the watchdog's silence limit is 30 s
    await().atMost(Duration.ofSeconds(10)).until(() -> failed.get() != null);

    assertThat(results.get()).isNull();
    assertThat(failed.get().message()).startsWith("Record accounting is off: 4 requests sent but"
        + " only 3 records arrived");
  }

  @Test
  void aDuplicateRecord_isDropped_oneRecordPerCreditId(@TempDir Path dir) throws Exception {
    start(dir);
    bus.send(Messages.RECORDS, record(0));
    bus.send(Messages.RECORDS, record(1));
    bus.send(Messages.RECORDS, record(1)); // sent twice
    bus.send(Messages.RECORDS, record(2));
    bus.publish(new CreditsComplete(Phase.PROFILING, 3, false, 0));
    await().atMost(Duration.ofSeconds(10)).until(() -> results.get() != null);

    assertThat(failed.get()).isNull();
    var r = results.get().result();
    assertThat(r.requestsCompleted()).isEqualTo(3);
    assertThat(r.requestsFailed()).isZero();
  }

  /** A record with the metadata the per-request export writes. */
  private static ProcessedRecord exported(long creditId) {
    ProcessedRecord r = record(creditId);
    long start = r.startNanos();
    return new ProcessedRecord(r.creditId(), r.phase(), start, r.endNanos(), true, 0, null, null,
        r.values(), new Messages.RecordMeta("req-" + creditId, "corr-" + creditId, 0, 0,
            creditId, "worker_0", "record_processor_0", start, start, null, null, start, null));
  }

  @Test
  void recordsThatOvertakeTheirPhasesStart_keepTheirIndexInThePhase(@TempDir Path dir)
      throws Exception {
    startWithoutPhase(dir);
    // The phase's credits are 5, 6 and 7; the first two answers overtake the phase's start.
    bus.send(Messages.RECORDS, exported(5));
    bus.send(Messages.RECORDS, exported(6));
    AtomicLong counted = new AtomicLong();
    bus.subscribe(Messages.Progress.class, p -> counted.set(p.completed()));
    await().atMost(Duration.ofSeconds(10)).until(() -> counted.get() == 2); // both handled
    bus.publish(new PhaseStarted(Phase.PROFILING, T0, 5));
    bus.send(Messages.RECORDS, exported(7));
    bus.publish(new CreditsComplete(Phase.PROFILING, 3, false, 5));
    await().atMost(Duration.ofSeconds(10)).until(() -> results.get() != null);
    manager.stop();
    manager = null;

    List<Long> sessions = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("profile_export.jsonl"))) {
      sessions.add(new ObjectMapper().readTree(line).at("/metadata/session_num").asLong());
    }
    assertThat(sessions).containsExactlyInAnyOrder(0L, 1L, 2L);
  }

  @Test
  void aDelayedRecord_isStillCounted(@TempDir Path dir) throws Exception {
    start(dir);
    bus.send(Messages.RECORDS, record(0));
    bus.send(Messages.RECORDS, record(1));
    bus.publish(new CreditsComplete(Phase.PROFILING, 3, false, 0));
    await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(5))
        .until(() -> results.get() == null);
    now.addAndGet(20 * S); // late, but within the watchdog's limit
    bus.send(Messages.RECORDS, record(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> results.get() != null);

    assertThat(failed.get()).isNull();
    assertThat(results.get().result().requestsCompleted()).isEqualTo(3);
  }
}
