package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.metrics.RecordValues;
import io.aiperf.engine.internal.service.Messages.CreditsComplete;
import io.aiperf.engine.internal.service.Messages.Phase;
import io.aiperf.engine.internal.service.Messages.PhaseStarted;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import io.aiperf.engine.internal.service.Messages.ProfileResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timeslices on hand-built records: which slice each request lands in, and its statistics. */
final class RecordsManagerTimesliceTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 10 * S;

  private static final java.util.concurrent.atomic.AtomicLong CREDIT_IDS =
      new java.util.concurrent.atomic.AtomicLong();

  private static ProcessedRecord record(long startOffsetNanos, double latencyMs) {
    long start = T0 + startOffsetNanos;
    // Each request has its own credit id: the manager keeps one record per id.
    return new ProcessedRecord(CREDIT_IDS.getAndIncrement(), Phase.PROFILING, start, start + (long) (latencyMs * 1e6), true,
        0, null, null, RecordValues.single(MetricRegistry.installed().id("request_latency"),
            latencyMs * 1e6), null);
  }

  @Test
  void requestsLandInTheSliceOfTheirStart_withExactStatistics(@TempDir Path dir)
      throws Exception {
    MessageBus bus = new InMemoryBusProvider().create(BusConfig.of(1024));
    var config = Benchmark.builder().endpoint(Endpoints.openAiChat("http://x").model("m"))
        .sliceDuration(Duration.ofSeconds(1)).artifactDir(dir).build();
    RecordsManager manager = new RecordsManager("records_manager", bus, config, NanoClock.SYSTEM);
    AtomicReference<ProfileResults> results = new AtomicReference<>();
    bus.subscribe(ProfileResults.class, results::set);
    manager.initialize();
    manager.start();
    try {
      bus.send(Messages.RECORDS, record(S / 10, 10));      // slice 0, before the phase start
      bus.publish(new PhaseStarted(Phase.PROFILING, T0, 0));
      bus.send(Messages.RECORDS, record(S / 2, 30));       // slice 0
      bus.send(Messages.RECORDS, record(S + S / 5, 50));   // slice 1
      bus.send(Messages.RECORDS, record(3 * S + S / 2, 70)); // slice 3; slice 2 is empty
      bus.publish(new CreditsComplete(Phase.PROFILING, 4, false));
      await().atMost(Duration.ofSeconds(10)).until(() -> results.get() != null);

      JsonNode slices = new ObjectMapper().readTree(
          dir.resolve("profile_export_aiperf_timeslices.json").toFile()).get("timeslices");
      assertThat(slices).hasSize(3);
      assertThat(slices.get(0).get("timeslice_index").asInt()).isZero();
      assertThat(slices.get(0).at("/metrics/request_latency/avg").asDouble())
          .isCloseTo(20.0, within(1e-9));
      // numpy: percentile([10, 30], 90) = 28
      assertThat(slices.get(0).at("/metrics/request_latency/p90").asDouble())
          .isCloseTo(28.0, within(1e-9));
      assertThat(slices.get(0).at("/metrics/request_count/avg").asDouble()).isEqualTo(2.0);
      assertThat(slices.get(0).at("/metrics/request_throughput/avg").asDouble()).isEqualTo(2.0);
      assertThat(slices.get(1).get("timeslice_index").asInt()).isEqualTo(1);
      assertThat(slices.get(1).at("/metrics/request_latency/avg").asDouble())
          .isCloseTo(50.0, within(1e-9));
      assertThat(slices.get(2).get("timeslice_index").asInt()).isEqualTo(3);
      assertThat(slices.get(2).at("/metrics/request_latency/max").asDouble())
          .isCloseTo(70.0, within(1e-9));
      assertThat(Files.readAllLines(dir.resolve("profile_export_aiperf_timeslices.csv")))
          .contains("0,request_latency,ms,avg,20.00", "1,request_count,requests,avg,1.00");
    } finally {
      manager.stop();
      bus.close();
    }
  }
}
