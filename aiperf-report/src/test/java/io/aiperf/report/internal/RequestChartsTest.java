package io.aiperf.report.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class RequestChartsTest {
  private static Chart chart(List<Chart> charts, String id) {
    return charts.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
  }

  /** 1,000 requests, one every 10 ms, 100 to 109 ms each: 10 in flight, 100 per second. */
  @Test
  void windows_holdTheRatesAndLevelsOfTheRun(@TempDir Path dir) throws Exception {
    RunData run = RunReader.read(TestRuns.run(dir, 1000, 0), "r");
    List<Chart> charts = Charts.single(run, 5000).charts();
    Chart inFlight = chart(charts, "in_flight_over_time");
    double[] avg = inFlight.series().get(0).y();
    // Windows of 1 s (the run's slice duration); the middle ones are full.
    assertThat(avg).hasSize(11);
    assertThat(avg[5]).isCloseTo(10.5, within(0.3));
    assertThat(inFlight.series().get(1).y()[5]).isEqualTo(11);
    Chart throughput = chart(charts, "throughput_over_time");
    assertThat(throughput.series().get(0).y()[5]).isEqualTo(100.0);
    // 40 tokens per request, 100 requests a second.
    assertThat(throughput.series().get(1).y()[5]).isCloseTo(4000, within(50.0));
    Chart bands = chart(charts, "latency_percentiles_over_time");
    // Window 3 holds requests 300 to 399: latency 103 ms each.
    assertThat(bands.series().get(0).y()[3]).isEqualTo(103.0);
    assertThat(bands.series().get(0).lo()[3]).isEqualTo(103.0);
  }

  @Test
  void histogram_countsEverySuccessfulRequest(@TempDir Path dir) throws Exception {
    RunData run = RunReader.read(TestRuns.run(dir, 1000, 10), "r");
    Chart isl = chart(Charts.single(run, 5000).charts(), "isl_histogram");
    double total = 0;
    for (double v : isl.series().get(0).y()) {
      total += v;
    }
    assertThat(total).isEqualTo(900);
  }

  /** Above the budget, an even sample plus the slowest requests, and the chart says so. */
  @Test
  void manyRequests_areSampled_keepingTheSlowest(@TempDir Path dir) throws Exception {
    RunData run = RunReader.read(TestRuns.run(dir, 20_000, 0), "r");
    Chart timeline = chart(Charts.single(run, 1000).charts(), "request_timeline");
    Chart.Series latency = timeline.series().get(1);
    assertThat(latency.size()).isLessThanOrEqualTo(1000);
    assertThat(latency.y()).contains(299.0); // the slowest request, the last one
    assertThat(timeline.note()).startsWith("Shows " + String.format(java.util.Locale.ROOT,
        "%,d", latency.size()) + " of 20,000 successful requests");
  }

  @Test
  void stats_percentile_interpolatesAsNumPy() {
    double[] v = {1, 2, 3, 4};
    assertThat(Stats.percentile(v, 4, 50)).isEqualTo(2.5);
    assertThat(Stats.percentile(v, 4, 90)).isCloseTo(3.7, within(1e-9));
    assertThat(Stats.percentile(v, 0, 50)).isNaN();
  }

  @Test
  void pareto_joinsOnlyTheRunsNoOtherBeats(@TempDir Path dir) throws Exception {
    // Three runs: b beats a on both; c is faster but gives less: a front of c and b.
    RunData a = summaryRun(dir.resolve("a"), 200, 1000);
    RunData b = summaryRun(dir.resolve("b"), 150, 2000);
    RunData c = summaryRun(dir.resolve("c"), 50, 500);
    Chart pareto = chart(Charts.compare(List.of(a, b, c)), "pareto_throughput_vs_latency");
    Chart.Series front = pareto.series().get(3);
    assertThat(front.label()).isEqualTo("Pareto front");
    assertThat(front.x()).containsExactly(50, 150);
    assertThat(front.y()).containsExactly(500, 2000);
  }

  private static RunData summaryRun(Path dir, double latency, double throughput)
      throws Exception {
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.writeString(dir.resolve("profile_export_aiperf.json"), "{\"schema_version\""
        + ":\"1.4\",\"request_latency\":{\"unit\":\"ms\",\"avg\":" + latency + "},"
        + "\"output_token_throughput\":{\"unit\":\"tokens/sec\",\"avg\":" + throughput + "}}");
    return RunReader.read(dir, dir.getFileName().toString());
  }
}
