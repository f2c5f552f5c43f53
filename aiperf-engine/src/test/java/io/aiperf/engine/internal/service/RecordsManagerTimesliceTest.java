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
    return new ProcessedRecord(CREDIT_IDS.getAndIncrement(), Phase.PROFILING, start,
        start + (long) (latencyMs * 1e6), true, 0, null, null,
        RecordValues.single(MetricRegistry.installed().id("request_latency"), latencyMs * 1e6),
        null);
  }

  private static ProcessedRecord failure(long startOffsetNanos) {
    long start = T0 + startOffsetNanos;
    return new ProcessedRecord(CREDIT_IDS.getAndIncrement(), Phase.PROFILING, start,
        start + 5_000_000, false, 500, "Internal Server Error", "boom", RecordValues.NONE, null);
  }

  @Test
  void requestsLandInTheSliceOfTheirStart_onAiperfsGrid_withExactStatistics(@TempDir Path dir)
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
      // The grid starts at the earliest request start, T0 + 0.1 s, not at the phase start.
      bus.send(Messages.RECORDS, record(S / 10, 10));      // slice 0, before the phase start
      bus.publish(new PhaseStarted(Phase.PROFILING, T0, 0));
      bus.send(Messages.RECORDS, record(S / 2, 30));       // slice 0
      bus.send(Messages.RECORDS, record(S + S / 20, 40));  // slice 0: before T0 + 1.1 s
      bus.send(Messages.RECORDS, record(S + S / 5, 50));   // slice 1
      bus.send(Messages.RECORDS, failure(S + S / 2));      // slice 1, failed
      bus.send(Messages.RECORDS, record(3 * S + S / 2, 70)); // slice 3; slice 2 is empty
      bus.publish(new CreditsComplete(Phase.PROFILING, 6, false));
      await().atMost(Duration.ofSeconds(10)).until(() -> results.get() != null);

      JsonNode json = new ObjectMapper().readTree(
          dir.resolve("profile_export_aiperf_timeslices.json").toFile());
      JsonNode slices = json.get("timeslices");
      assertThat(slices).hasSize(3);
      assertThat(json.get("input_config").isObject()).isTrue();
      long start0 = slices.get(0).get("start_ns").asLong();
      // Wall-clock bounds, held as float64 by AIPerf: exact to 256 ns.
      assertThat(slices.get(0).get("end_ns").asLong() - start0).isCloseTo(S, within(512L));
      assertThat(slices.get(1).get("start_ns").asLong() - start0).isCloseTo(S, within(512L));
      assertThat(slices.get(2).get("start_ns").asLong() - start0).isCloseTo(3 * S, within(512L));
      // The last slice ends with the last request (T0 + 3.57 s), and says it is cut short.
      assertThat(slices.get(2).get("end_ns").asLong() - start0)
          .isCloseTo(3 * S + 470_000_000L, within(512L));
      assertThat(slices.get(0).has("is_complete")).isFalse();
      assertThat(slices.get(1).has("is_complete")).isFalse();
      assertThat(slices.get(2).get("is_complete").asBoolean(true)).isFalse();
      assertThat(slices.get(0).has("timeslice_index")).isFalse();
      assertThat(slices.get(0).at("/request_latency/avg").asDouble())
          .isCloseTo(80.0 / 3, within(1e-9));
      // numpy: percentile([10, 30, 40], 90) = 38, here from the histogram's buckets (0.1 %)
      assertThat(slices.get(0).at("/request_latency/p90").asDouble())
          .isCloseTo(38.0, within(0.04));
      assertThat(slices.get(0).at("/request_count/avg").asDouble()).isEqualTo(3.0);
      assertThat(slices.get(0).at("/request_throughput/avg").asDouble())
          .isCloseTo(3.0, within(1e-5));
      assertThat(slices.get(1).at("/request_latency/avg").asDouble())
          .isCloseTo(50.0, within(1e-9));
      assertThat(slices.get(1).at("/request_count/avg").asDouble()).isEqualTo(1.0);
      assertThat(slices.get(1).at("/error_request_count/avg").asDouble()).isEqualTo(1.0);
      // Derived per slice as AIPerf does: the duration spans the slice's successful requests
      // (0.1 s to 1.09 s; slice 1's failure ends at 1.505 s and does not count), counts and
      // rates over the slice's requests, failed ones included.
      assertThat(slices.get(0).at("/benchmark_duration/avg").asDouble())
          .isCloseTo(0.99, within(1e-9));
      assertThat(slices.get(1).at("/benchmark_duration/avg").asDouble())
          .isCloseTo(0.05, within(1e-9));
      assertThat(slices.get(0).at("/completed_request_count/avg").asDouble()).isEqualTo(3.0);
      assertThat(slices.get(1).at("/completed_request_count/avg").asDouble()).isEqualTo(2.0);
      assertThat(slices.get(0).at("/request_error_rate/avg").asDouble()).isZero();
      assertThat(slices.get(1).at("/request_error_rate/avg").asDouble()).isEqualTo(50.0);
      assertThat(slices.get(0).has("requested_request_rate")).isFalse();
      assertThat(slices.get(2).at("/request_latency/max").asDouble())
          .isCloseTo(70.0, within(1e-9));
      assertThat(slices.get(2).at("/request_throughput/avg").asDouble())
          .isCloseTo(1 / 0.47, within(1e-5));
      String bounds0 = "0," + start0 + "," + slices.get(0).get("end_ns").asLong() + ",";
      String bounds2 = "2," + slices.get(2).get("start_ns").asLong() + ","
          + slices.get(2).get("end_ns").asLong() + ",";
      assertThat(Files.readAllLines(dir.resolve("profile_export_aiperf_timeslices.csv")))
          .startsWith("Timeslice,Start_NS,End_NS,Metric,Unit,Stat,Value")
          .contains(bounds0 + "Request Latency,ms,avg,26.67",
              bounds0 + "Request Latency,ms,sum,80.00",
              bounds0 + "Request Count,requests,avg,3.00",
              bounds0 + "Benchmark Duration,sec,avg,0.99",
              bounds0 + "Completed Requests (Success + Error),requests,avg,3.00",
              bounds2 + "Request Latency,ms,max,70.00");
    } finally {
      manager.stop();
      bus.close();
    }
  }
}
