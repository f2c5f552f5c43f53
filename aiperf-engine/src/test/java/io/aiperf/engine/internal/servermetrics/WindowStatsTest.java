package io.aiperf.engine.internal.servermetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiperf.engine.internal.prometheus.MetricType;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

final class WindowStatsTest {
  private static SeriesData scalars(long[] t, double[] v) {
    SeriesData s = new SeriesData();
    for (int i = 0; i < t.length; i++) {
      s.add(t[i], new Point.Scalar(v[i]));
    }
    return s;
  }

  private static final WindowStats.Window W = new WindowStats.Window(5, 25, 35);

  @Test
  void counter_countsFromTheLastPointBeforeTheWindow_andAcrossAReset() {
    SeriesData s = scalars(new long[] {0, 10, 20, 30, 40}, new double[] {100, 150, 30, 50, 999});
    WindowStats.Result r = WindowStats.of(MetricType.COUNTER, s, W);
    // 100 -> 150 (+50), restart -> 30 (+30), -> 50 (+20); the point at 40 is after the window.
    assertThat(r.stats()).containsEntry("total", 100.0);
    assertThat(r.stats().get("rate")).isCloseTo(100 / 30e-9, within(1e-3));
    assertThat(r.resets()).isEqualTo(1);
  }

  @Test
  void counter_withoutAPointBefore_countsFromTheFirstInTheWindow() {
    SeriesData s = scalars(new long[] {10, 20}, new double[] {7, 12});
    assertThat(WindowStats.of(MetricType.COUNTER, s, W).stats()).containsEntry("total", 5.0);
    assertThat(WindowStats.of(MetricType.COUNTER, scalars(new long[] {1, 2},
        new double[] {1, 2}), W)).isNull();
  }

  @Test
  void gauge_isSampledInTheWindowOnly_withNumpysPercentiles() {
    SeriesData s = scalars(new long[] {0, 10, 15, 20, 30}, new double[] {99, 1, 2, 4, 99});
    Map<String, Double> st = WindowStats.of(MetricType.GAUGE, s, W).stats();
    assertThat(st.keySet()).containsExactly("avg", "min", "max", "std", "p1", "p5", "p10",
        "p25", "p50", "p75", "p90", "p95", "p99");
    assertThat(st.get("avg")).isCloseTo(7.0 / 3, within(1e-12));
    assertThat(st).containsEntry("min", 1.0).containsEntry("max", 4.0).containsEntry("p50", 2.0)
        .containsEntry("p75", 3.0);
    assertThat(st.get("std")).isCloseTo(Math.sqrt((16.0 / 9 + 1.0 / 9 + 25.0 / 9) / 2),
        within(1e-12));
  }

  private static Point.Histogram h(double[] cumulative, double sum) {
    return new Point.Histogram(new String[] {"0.1", "1", "+Inf"},
        new double[] {0.1, 1, Double.POSITIVE_INFINITY}, cumulative, sum,
        cumulative[cumulative.length - 1]);
  }

  @Test
  void histogram_bucketDeltas_countSumMean_andLinearEstimates() {
    SeriesData s = new SeriesData();
    s.add(0, h(new double[] {1, 3, 4}, 2));
    s.add(30, h(new double[] {3, 8, 10}, 5));
    WindowStats.Result r = WindowStats.of(MetricType.HISTOGRAM, s, W);
    assertThat(r.buckets().keySet()).containsExactly("0.1", "1", "+Inf");
    assertThat(r.buckets().values()).containsExactly(2L, 5L, 6L);
    assertThat(r.stats()).containsEntry("count", 6.0).containsEntry("sum", 3.0)
        .containsEntry("avg", 0.5);
    // rank 3 of 6 falls in (0.1, 1], 1 of its 3: 0.1 + 0.9 / 3.
    assertThat(r.stats().get("p50_estimate")).isCloseTo(0.4, within(1e-12));
    // rank 5.94 falls in +Inf: the highest finite bound, as Prometheus answers.
    assertThat(r.stats().get("p99_estimate")).isEqualTo(1.0);
  }

  @Test
  void histogram_learnedBucketMean_narrowsTheEstimate() {
    // Every interval's observations fall in (0, 0.3] with a mean of 0.28 s (a vLLM e2e bucket):
    // linear interpolation would say 0.15 s at the median, the learned mean says 0.28 s.
    SeriesData s = new SeriesData();
    String[] les = {"0.3", "0.5", "+Inf"};
    double[] bounds = {0.3, 0.5, Double.POSITIVE_INFINITY};
    s.add(0, new Point.Histogram(les, bounds, new double[] {0, 0, 0}, 0, 0));
    s.add(10, new Point.Histogram(les, bounds, new double[] {4, 4, 4}, 1.12, 4));
    s.add(20, new Point.Histogram(les, bounds, new double[] {10, 10, 10}, 2.8, 10));
    WindowStats.Result r = WindowStats.of(MetricType.HISTOGRAM, s, W);
    assertThat(r.stats().get("p50_estimate")).isCloseTo(0.28, within(1e-9));
    assertThat(r.stats().get("p99_estimate")).isBetween(0.28, 0.3);
    assertThat(WindowStats.quantile(0.5, bounds, new double[] {10, 10, 10})).isEqualTo(0.15);
  }

  @Test
  void histogram_reset_countsTheNewValuesFromZero() {
    SeriesData s = new SeriesData();
    s.add(0, h(new double[] {5, 9, 10}, 20));
    s.add(10, h(new double[] {6, 11, 12}, 23));
    s.add(20, h(new double[] {1, 1, 2}, 1.5)); // restarted
    WindowStats.Result r = WindowStats.of(MetricType.HISTOGRAM, s, W);
    assertThat(r.resets()).isEqualTo(1);
    assertThat(r.stats()).containsEntry("count", 4.0).containsEntry("sum", 4.5);
    assertThat(r.buckets()).containsEntry("0.1", 2L).containsEntry("1", 3L)
        .containsEntry("+Inf", 4L);
  }

  /**
   * However a server restarts (its counter back to 0, then counting on), the window's total is
   * what it counted in the window: the increments from the last point before it.
   */
  @Property(tries = 500)
  void counterTotal_isTheSumOfIncrements_acrossAnyResets(
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 1000) Integer> increments,
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 39) Integer> resetsAt,
      @ForAll @IntRange(min = 0, max = 5000) int before) {
    SeriesData s = new SeriesData();
    double value = before;
    s.add(0, new Point.Scalar(value)); // the reference, before the window
    double expected = 0;
    for (int i = 0; i < increments.size(); i++) {
      if (resetsAt.contains(i)) {
        value = 0; // restarted between two scrapes, then counted this increment
      }
      value += increments.get(i);
      expected += increments.get(i);
      s.add(10 + i, new Point.Scalar(value));
    }
    WindowStats.Result r = WindowStats.of(MetricType.COUNTER, s,
        new WindowStats.Window(5, 1_000, 1_000));
    // A restart whose first value is not below the one before cannot be seen by anyone:
    // then the total misses what was counted before it, as Prometheus's increase() does.
    if (r.resets() == resetsAt.stream().filter(i -> i < increments.size()).distinct().count()) {
      assertThat(r.stats().get("total")).isEqualTo(expected);
    } else {
      assertThat(r.stats().get("total")).isLessThanOrEqualTo(expected);
    }
  }
}
