package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Endpoints;
import io.aiperf.api.MetricResult;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.RunTotals;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class HdrResultMergerTest {
  private static final MetricInfo LATENCY = new MetricInfo("request_latency", "Request Latency",
      "ms", 1e-6, 300, java.util.Set.of());

  private static BenchmarkResult result(double[] nanos, int from, int to, Instant start,
      Instant end) {
    MetricsAggregator a = new MetricsAggregator(List.of(LATENCY));
    for (int i = from; i < to; i++) {
      a.add("request_latency", new double[] {nanos[i]});
    }
    long count = to - from;
    long durationNanos = java.time.Duration.between(start, end).toNanos();
    RunTotals totals = new RunTotals() {
      @Override
      public long requestCount() {
        return count;
      }

      @Override
      public long errorCount() {
        return 0;
      }

      @Override
      public long durationNanos() {
        return durationNanos;
      }

      @Override
      public double sum(String tag) {
        return a.sum(tag);
      }

      @Override
      public long requestsSent() {
        return count;
      }

      @Override
      public long sendSpanNanos() {
        return durationNanos;
      }

      @Override
      public OptionalDouble requestedRate() {
        return OptionalDouble.empty();
      }
    };
    var config = Benchmark.builder().endpoint(Endpoints.openAiChat("http://x").model("m"))
        .build();
    List<MetricResult> metrics = a.results(new CoreMetricProvider().derivedMetrics(), totals);
    return new BenchmarkResult(config, "LLM Metrics", metrics, List.of(), count, count, 0, 0,
        start, end, false, 1, List.of(), Optional.empty(), a.encodedHistograms());
  }

  @Test
  void mergingTwoHalves_givesTheWholeRunsDistribution() {
    SplittableRandom random = new SplittableRandom(3);
    double[] nanos = new double[20_000];
    for (int i = 0; i < nanos.length; i++) {
      nanos[i] = 5e6 + random.nextDouble() * 495e6 * random.nextDouble(); // 5–500 ms, skewed
    }
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Instant t1 = t0.plusSeconds(10);
    BenchmarkResult whole = result(nanos, 0, nanos.length, t0, t1);
    BenchmarkResult first = result(nanos, 0, 7_000, t0, t0.plusSeconds(9));
    BenchmarkResult second = result(nanos, 7_000, nanos.length, t0.plusSeconds(1), t1);

    BenchmarkResult merged = Benchmark.merge(List.of(first, second));

    MetricResult w = whole.metric(io.aiperf.api.Metrics.REQUEST_LATENCY);
    MetricResult m = merged.metric(io.aiperf.api.Metrics.REQUEST_LATENCY);
    assertThat(m.count()).isEqualTo(w.count());
    assertThat(m.sum()).isCloseTo(w.sum(), within(1e-9 * w.sum()));
    assertThat(m.avg()).isCloseTo(w.avg(), within(1e-9 * w.avg()));
    assertThat(m.min()).isEqualTo(w.min());
    assertThat(m.max()).isEqualTo(w.max());
    assertThat(m.std()).isCloseTo(w.std(), within(1e-9 * w.std()));
    // The merged histogram is the whole run's histogram, bucket for bucket.
    assertThat(HistogramCodec.decode(merged.histograms().get("request_latency")))
        .isEqualTo(HistogramCodec.decode(whole.histograms().get("request_latency")));
    // Its percentiles are within HdrHistogram's 3 significant digits of the exact ones.
    assertThat(m.p50()).isCloseTo(w.p50(), within(w.p50() * 1e-3));
    assertThat(m.p99()).isCloseTo(w.p99(), within(w.p99() * 1e-3));
    // Counts add; throughput is recomputed over the merged span.
    assertThat(merged.metric(io.aiperf.api.Metrics.REQUEST_COUNT).avg()).isEqualTo(20_000);
    assertThat(merged.metric(io.aiperf.api.Metrics.REQUEST_THROUGHPUT).avg())
        .isCloseTo(2_000.0, within(1e-9));
    assertThat(merged.requestsSent()).isEqualTo(20_000);
  }

  @Test
  void histogramCodec_roundTrips_andRejectsGarbage() {
    var h = new org.HdrHistogram.DoubleHistogram(3);
    h.recordValue(1.5);
    h.recordValue(250.0);
    assertThat(HistogramCodec.decode(HistogramCodec.encode(h))).isEqualTo(h);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HistogramCodec.decode("bm9wZQ=="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Not an encoded HdrHistogram");
  }

  @Test
  void json_carriesTheHistogram() {
    var r = result(new double[] {1e6, 2e6, 3e6}, 0, 3, Instant.EPOCH, Instant.EPOCH.plusSeconds(1));
    Map<String, Object> block = io.aiperf.engine.internal.export.JsonExporterAccess.metricBlock(r,
        "request_latency");
    assertThat(block).containsKey("hdr_histogram");
    assertThat(HistogramCodec.decode((String) block.get("hdr_histogram")).getTotalCount())
        .isEqualTo(3);
  }
}
