package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Endpoints;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.metrics.RecordValues;
import io.aiperf.engine.internal.service.Messages.Phase;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The slice grid against AIPerf 0.13's own computation (metrics/accumulator.py, re-done here in
 * float64 as numpy does it): same slices, bounds, completeness and request counts, whatever the
 * order records arrive in and however late the first request starts; and each slice's derived
 * metrics against the records of that slice, with AIPerf's definitions.
 */
final class TimeslicesTest {
  private static final long S = 1_000_000_000L;
  /** Monotonic to wall clock: wall-clock values large enough for float64 to round them. */
  private static final LongUnaryOperator TO_WALL = n -> n + 1_796_579_067_383_541_744L;

  /**
   * AIPerf's slices: grid index to {start, end, complete (1/0), successes, failures, sum of OSL,
   * sum of ISL, first start and last end of the successful requests (monotonic)}.
   */
  private static Map<Integer, long[]> aiperf(List<ProcessedRecord> records, long sliceNanos) {
    double minTs = Double.POSITIVE_INFINITY;
    double maxTs = Double.NEGATIVE_INFINITY;
    for (ProcessedRecord r : records) {
      minTs = Math.min(minTs, (double) TO_WALL.applyAsLong(r.startNanos()));
      maxTs = Math.max(maxTs, Math.max((double) TO_WALL.applyAsLong(r.startNanos()),
          (double) TO_WALL.applyAsLong(r.endNanos())));
    }
    int n = (int) ((maxTs - minTs) / sliceNanos) + 1;
    double[] edges = new double[n + 1];
    for (int k = 0; k <= n; k++) {
      edges[k] = minTs + (double) (k * sliceNanos);
    }
    Map<Integer, long[]> out = new TreeMap<>();
    for (ProcessedRecord r : records) {
      double x = TO_WALL.applyAsLong(r.startNanos());
      int bin = -1;
      for (int k = 0; k <= n; k++) { // np.digitize: edges[bin] <= x < edges[bin + 1]
        if (edges[k] <= x) {
          bin = k;
        }
      }
      boolean complete = edges[bin + 1] <= maxTs;
      long end = complete ? (long) edges[bin + 1] : (long) maxTs;
      long[] slice = out.computeIfAbsent(bin, k -> new long[] {(long) edges[k], end,
          complete ? 1 : 0, 0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE});
      slice[r.success() ? 3 : 4]++;
      if (r.success()) {
        slice[5] += osl(r);
        slice[6] += ISL;
        slice[7] = Math.min(slice[7], r.startNanos());
        slice[8] = Math.max(slice[8], r.endNanos());
      }
    }
    return out;
  }

  private static final int ISL = 100;

  /** A successful request's output length: a function of its id, so the test can recount it. */
  private static long osl(ProcessedRecord r) {
    return 10 + r.creditId() % 37;
  }

  private static RecordValues values(long id, long latency) {
    MetricRegistry registry = MetricRegistry.installed();
    int[] ids = {registry.id("request_latency"), registry.id("input_sequence_length"),
        registry.id("output_sequence_length")};
    double[] v = {latency, ISL, 10 + id % 37};
    RecordValues.Builder b = new RecordValues.Builder(registry.infos().size());
    Integer[] order = {0, 1, 2};
    java.util.Arrays.sort(order, Comparator.comparingInt(k -> ids[k]));
    for (int k : order) {
      b.begin(ids[k]);
      b.add(v[k]);
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} requests, first {1} ms after the phase start")
  @CsvSource({"3000, 3", "3000, 0", "12000, 20000", "40, 2500"})
  void slices_matchAiperfsGrid_inCompletionOrder(int requests, long firstAfterMs,
      @TempDir Path dir) throws Exception {
    long sliceNanos = S / 2;
    BenchmarkConfig config = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://x").model("m"))
        .sliceDuration(Duration.ofNanos(sliceNanos)).artifactDir(dir).build();
    long phaseStart = 1_000 * S;
    SplittableRandom random = new SplittableRandom(requests);
    List<ProcessedRecord> records = new ArrayList<>();
    long first = phaseStart + firstAfterMs * 1_000_000;
    for (int i = 0; i < requests; i++) {
      long start = first + (i == 0 ? 0 : random.nextLong(4 * S));
      if (i % 50 == 1) { // right at, before and after a boundary of the final grid
        start = first + (1 + random.nextInt(7)) * sliceNanos + random.nextInt(-600, 600);
      }
      long end = start + 1_000_000 + random.nextLong(300_000_000);
      boolean ok = random.nextInt(10) > 0;
      records.add(new ProcessedRecord(i, Phase.PROFILING, start, end, ok, ok ? 0 : 500,
          ok ? null : "Internal Server Error", ok ? null : "boom",
          ok ? values(i, end - start) : RecordValues.NONE, null));
    }
    records.sort(Comparator.comparingLong(ProcessedRecord::endNanos)); // completion order
    Timeslices slices = new Timeslices(config, sliceNanos, MetricRegistry.installed().infos(),
        new io.aiperf.engine.internal.metrics.CoreMetricProvider().derivedMetrics(), null);
    records.forEach(r -> slices.add(r, phaseStart));
    List<long[]> windows = new ArrayList<>();
    slices.write(phaseStart, TO_WALL, new BenchmarkResult(config, "LLM Metrics", List.of(),
        List.of(), requests, requests, 0, 0, Instant.EPOCH, Instant.EPOCH, false, 1, List.of(),
        Optional.empty(), Map.of()), (from, to) -> {
          windows.add(new long[] {from, to});
          return List.of();
        });

    JsonNode got = new ObjectMapper().readTree(
        dir.resolve("profile_export_aiperf_timeslices.json").toFile()).get("timeslices");
    List<long[]> want = List.copyOf(aiperf(records, sliceNanos).values());
    assertThat(got).hasSize(want.size());
    for (int i = 0; i < want.size(); i++) {
      JsonNode slice = got.get(i);
      long[] w = want.get(i);
      assertThat(slice.get("start_ns").asLong()).as("start of slice %d", i).isEqualTo(w[0]);
      assertThat(slice.get("end_ns").asLong()).as("end of slice %d", i).isEqualTo(w[1]);
      assertThat(slice.has("is_complete")).isEqualTo(w[2] == 0);
      // The time-weighted metrics are windowed by the slice (AIPerf's float64 edges, to 1 us).
      assertThat(TO_WALL.applyAsLong(windows.get(i)[0])).isCloseTo(w[0], within(1_000L));
      assertThat(TO_WALL.applyAsLong(windows.get(i)[1])).isCloseTo(w[1], within(1_000L));
      if (w[2] == 0) {
        assertThat(slice.get("is_complete").asBoolean()).isFalse();
      }
      assertThat(slice.at("/request_count/avg").asLong()).as("requests in slice %d", i)
          .isEqualTo(w[3]);
      assertThat(slice.at("/error_request_count/avg").asLong()).isEqualTo(w[4]);
      assertThat(slice.at("/completed_request_count/avg").asLong()).isEqualTo(w[3] + w[4]);
      assertThat(slice.at("/request_error_rate/avg").asDouble())
          .isCloseTo(100.0 * w[4] / (w[3] + w[4]), within(1e-9));
      // AIPerf: throughputs per second of the slice's window (the clipped last one's own).
      double window = (w[1] - w[0]) / 1e9;
      assertThat(slice.at("/request_throughput/avg").asDouble())
          .isCloseTo(w[3] / window, within(1e-6));
      if (w[3] > 0) {
        assertThat(slice.at("/request_latency/count").asLong()).isEqualTo(w[3]);
        assertThat(slice.at("/total_osl/avg").asLong()).as("OSL of slice %d", i).isEqualTo(w[5]);
        assertThat(slice.at("/total_isl/avg").asLong()).isEqualTo(w[6]);
        assertThat(slice.at("/output_token_throughput/avg").asDouble())
            .isCloseTo(w[5] / window, within(1e-6));
        assertThat(slice.at("/input_token_throughput/avg").asDouble())
            .isCloseTo(w[6] / window, within(1e-6));
        assertThat(slice.at("/total_token_throughput/avg").asDouble())
            .isCloseTo((w[5] + w[6]) / window, within(1e-6));
        // AIPerf: the slice's own requests' span (first start to last end), not its window.
        assertThat(slice.at("/benchmark_duration/avg").asDouble())
            .isCloseTo((w[8] - w[7]) / 1e9, within(1e-9));
      } else {
        assertThat(slice.has("benchmark_duration")).isFalse();
      }
    }
  }
}
