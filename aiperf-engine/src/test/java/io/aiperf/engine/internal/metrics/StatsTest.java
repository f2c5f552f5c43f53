package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Expected values computed with numpy 1.26: np.percentile (linear) and np.std (ddof=0). */
final class StatsTest {
  private static final double[] VALUES = {15, 20, 35, 40, 50};

  @Test
  void percentile_interpolatesLinearly_asNumpy() {
    double[] s = Stats.sortedCopy(VALUES, VALUES.length);
    // np.percentile([15,20,35,40,50], [1,5,10,25,50,75,90,95,99])
    assertThat(Stats.percentile(s, 5, 1)).isCloseTo(15.2, within(1e-12));
    assertThat(Stats.percentile(s, 5, 5)).isCloseTo(16.0, within(1e-12));
    assertThat(Stats.percentile(s, 5, 10)).isCloseTo(17.0, within(1e-12));
    assertThat(Stats.percentile(s, 5, 25)).isCloseTo(20.0, within(1e-12));
    assertThat(Stats.percentile(s, 5, 50)).isCloseTo(35.0, within(1e-12));
    assertThat(Stats.percentile(s, 5, 75)).isCloseTo(40.0, within(1e-12));
    assertThat(Stats.percentile(s, 5, 90)).isCloseTo(46.0, within(1e-12));
    assertThat(Stats.percentile(s, 5, 95)).isCloseTo(48.0, within(1e-12));
    assertThat(Stats.percentile(s, 5, 99)).isCloseTo(49.6, within(1e-12));
  }

  @Test
  void percentile_ofOneValue_isThatValue() {
    assertThat(Stats.percentile(new double[] {3.5}, 1, 99)).isEqualTo(3.5);
  }

  @Test
  void populationStd_matchesNumpyDdof0() {
    // np.std([15,20,35,40,50]) = 12.884098726725126 (the sample std would be 14.404860290887...)
    assertThat(Stats.populationStd(VALUES, 5)).isCloseTo(12.884098726725126, within(1e-12));
  }

  @Test
  void sortedCopy_leavesInputAlone_andUsesOnlyN() {
    double[] in = {5, 1, 3, 999};
    assertThat(Stats.sortedCopy(in, 3)).containsExactly(1, 3, 5);
    assertThat(in).containsExactly(5, 1, 3, 999);
  }

  @Test
  void sum_isCompensated() {
    double[] values = new double[1_000_001];
    values[0] = 1e16;
    for (int i = 1; i < values.length; i++) {
      values[i] = 1.0;
    }
    // Naive left-to-right summation loses every 1.0 added to 1e16.
    assertThat(Stats.sum(values, values.length)).isEqualTo(1e16 + 1_000_000);
  }

  @Test
  void distribution_convertsToDisplayUnit() {
    DoubleArray ns = new DoubleArray();
    for (double v : new double[] {1_000_000, 2_000_000, 3_000_000}) {
      ns.add(v);
    }
    var info = new io.aiperf.api.spi.MetricInfo("request_latency", "Request Latency", "ms", 1e-6,
        300, java.util.Set.of());
    var r = MetricsAggregator.distribution(info, ns);
    assertThat(r.avg()).isCloseTo(2.0, within(1e-12));
    assertThat(r.p50()).isCloseTo(2.0, within(1e-12));
    assertThat(r.min()).isCloseTo(1.0, within(1e-12));
    assertThat(r.max()).isCloseTo(3.0, within(1e-12));
    assertThat(r.sum()).isCloseTo(6.0, within(1e-12));
    assertThat(r.count()).isEqualTo(3);
    assertThat(r.std()).isCloseTo(Math.sqrt(2.0 / 3.0), within(1e-12));
  }

  @Test
  void errorAdjusted_matchesAiperf013_onItsOwnRun() {
    // AIPerf 0.13, 4 successful and 2 failed requests: request_latency values (ms) and its
    // adj_request_latency block {p1: 31.511755, p5, p10: same, p25: 31.661507, p50: 36.766277,
    // min: 31.511755, count: 6}, with p75 and above left out (they fall among the failures).
    var info = new io.aiperf.api.spi.MetricInfo("request_latency", "Request Latency", "ms", 1e-6,
        300, java.util.Set.of(io.aiperf.api.spi.MetricFlag.PERCENTILE_INCLUDES_FAILED));
    MetricsAggregator aggregator = new MetricsAggregator(java.util.List.of(info));
    for (double ms : new double[] {36.766277, 31.511755, 47.263021, 31.661507}) {
      aggregator.add("request_latency", new double[] {ms * 1e6});
    }
    var adj = aggregator.errorAdjusted(2).get(0);
    assertThat(adj.tag().tag()).isEqualTo("adj_request_latency");
    assertThat(adj.count()).isEqualTo(6);
    assertThat(adj.min()).isCloseTo(31.511755, within(1e-9));
    assertThat(adj.p1()).isCloseTo(31.511755, within(1e-9));
    assertThat(adj.p10()).isCloseTo(31.511755, within(1e-9));
    assertThat(adj.p25()).isCloseTo(31.661507, within(1e-9));
    assertThat(adj.p50()).isCloseTo(36.766277, within(1e-9));
    assertThat(adj.p75()).isInfinite();
    assertThat(adj.p99()).isInfinite();
    assertThat(aggregator.errorAdjusted(0)).isEmpty();
  }

  @Test
  void pastTheExactLimit_momentsStayExact_percentilesComeFromTheHistogram() {
    var info = new io.aiperf.api.spi.MetricInfo("request_latency", "Request Latency", "ms", 1e-6,
        300, java.util.Set.of());
    MetricsAggregator bounded = new MetricsAggregator(java.util.List.of(info), 1_000);
    MetricsAggregator exact = new MetricsAggregator(java.util.List.of(info));
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int i = 0; i < 20_000; i++) {
      double v = 1e6 + random.nextDouble() * 99e6;
      bounded.add("request_latency", new double[] {v});
      exact.add("request_latency", new double[] {v});
    }
    var b = bounded.results(java.util.List.of(), null).get(0);
    var e = exact.results(java.util.List.of(), null).get(0);
    assertThat(bounded.approximated()).containsExactly("request_latency");
    assertThat(exact.approximated()).isEmpty();
    assertThat(b.count()).isEqualTo(20_000);
    assertThat(b.sum()).isCloseTo(e.sum(), within(1e-9 * e.sum()));
    assertThat(b.avg()).isCloseTo(e.avg(), within(1e-9 * e.avg()));
    assertThat(b.min()).isEqualTo(e.min());
    assertThat(b.max()).isEqualTo(e.max());
    assertThat(b.std()).isCloseTo(e.std(), within(1e-9 * e.std()));
    assertThat(b.p50()).isCloseTo(e.p50(), within(e.p50() * 1e-3));
    assertThat(b.p99()).isCloseTo(e.p99(), within(e.p99() * 1e-3));
    assertThat(bounded.sum("request_latency")).isEqualTo(exact.sum("request_latency"));
  }

  @Test
  void liveView_agreesWithTheExactResult_toTheHistogramsPrecision() {
    var info = new io.aiperf.api.spi.MetricInfo("request_latency", "Request Latency", "ms", 1e-6,
        300, java.util.Set.of());
    MetricsAggregator aggregator = new MetricsAggregator(java.util.List.of(info));
    assertThat(aggregator.live(java.util.List.of(), null)).isEmpty();
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int i = 0; i < 5_000; i++) {
      aggregator.add("request_latency", new double[] {1e6 + random.nextDouble() * 99e6});
    }
    var e = aggregator.results(java.util.List.of(), null).get(0);
    var live = aggregator.live(java.util.List.of(), null).get(0);
    assertThat(live.count()).isEqualTo(5_000);
    for (var s : new io.aiperf.api.Statistic[] {io.aiperf.api.Statistic.AVG,
        io.aiperf.api.Statistic.MIN, io.aiperf.api.Statistic.MAX, io.aiperf.api.Statistic.P50,
        io.aiperf.api.Statistic.P90, io.aiperf.api.Statistic.P99, io.aiperf.api.Statistic.STD}) {
      assertThat(live.get(s)).as(s.name()).isCloseTo(e.get(s), within(Math.abs(e.get(s)) * 2e-3));
    }
    assertThat(aggregator.approximateSum("request_latency"))
        .isCloseTo(aggregator.sum("request_latency"), within(aggregator.sum("request_latency") * 2e-3));
    assertThat(aggregator.approximateSum("no_such_metric")).isZero();
  }
}
