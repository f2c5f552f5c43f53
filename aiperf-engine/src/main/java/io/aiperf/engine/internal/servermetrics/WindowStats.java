package io.aiperf.engine.internal.servermetrics;

import io.aiperf.engine.internal.metrics.Stats;
import io.aiperf.engine.internal.prometheus.MetricType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One series' statistics over a window, with AIPerf 0.13's names
 * ({@code server_metrics/export_stats.py}):
 * <ul>
 *   <li>gauge (and untyped): {@code avg, min, max, std} (n-1), {@code p1 ... p99} (numpy's
 *       linear percentiles) of the points made in the window;
 *   <li>counter: {@code total}, its increase from the last point before the window to the last
 *       in it, and {@code rate} per second. Unlike AIPerf, which clamps a negative difference to
 *       0, a counter that went down (the server restarted) counts from 0 again, as Prometheus's
 *       {@code increase()} does;
 *   <li>histogram: the increases of {@code count}, {@code sum} and every bucket the same way,
 *       {@code avg}, {@code count_rate}, {@code sum_rate}, and {@code p1_estimate ...
 *       p99_estimate}: within a bucket whose observations' mean was learned (from scrape
 *       intervals in which every new observation fell in that bucket, the idea of AIPerf's
 *       estimator, much simplified) linearly over the span around that mean; elsewhere linearly
 *       over the bucket, as Prometheus's {@code histogram_quantile};
 *   <li>summary: {@code count, sum, avg} the same way and the server's latest quantiles.
 * </ul>
 */
public final class WindowStats {
  private static final double[] PERCENTILES = {1, 5, 10, 25, 50, 75, 90, 95, 99};
  private static final String[] P_NAMES = {"p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95",
      "p99"};

  private WindowStats() {}

  /**
   * A window of a run, on the engine's clock.
   *
   * @param start the phase's start: points before it are the reference, not in the window
   * @param gaugeEnd the last point for gauges: the end of the load
   * @param end the last point for increases: the final scrape after the load
   */
  public record Window(long start, long gaugeEnd, long end) {}

  /**
   * The statistics of one series.
   *
   * @param stats name to value, in AIPerf's order
   * @param buckets histogram bucket increases (cumulative), by upper bound; empty otherwise
   * @param resets how often the series went down (a restart of the server) in the window
   */
  public record Result(Map<String, Double> stats, Map<String, Long> buckets, int resets) {}

  /**
   * Computes a series' statistics.
   *
   * @param type the family's type
   * @param s the series
   * @param w the window
   * @return the statistics, null when the series has no point in the window
   */
  public static @Nullable Result of(MetricType type, SeriesData s, Window w) {
    return switch (type) {
      case COUNTER -> counter(s, w);
      case HISTOGRAM, GAUGE_HISTOGRAM -> histogram(s, w);
      case SUMMARY -> summary(s, w);
      default -> gauge(s, w);
    };
  }

  /** The first and last index of the points an increase is counted over; null when none. */
  private static int @Nullable [] chain(SeriesData s, Window w) {
    int ref = s.lastBefore(w.start());
    int last = s.lastBefore(w.end() + 1);
    int first = ref >= 0 ? ref : ref + 1;
    if (last <= ref || last < 0 || first > last) {
      return null; // nothing made in the window
    }
    return new int[] {first, last};
  }

  private static @Nullable Result gauge(SeriesData s, Window w) {
    double[] values = gaugeValues(s, w);
    if (values.length == 0) {
      return null;
    }
    int n = values.length;
    double[] sorted = Stats.sortedCopy(values, n);
    double mean = Stats.mean(values, n);
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("avg", mean);
    stats.put("min", sorted[0]);
    stats.put("max", sorted[n - 1]);
    stats.put("std", n > 1 ? Math.sqrt(squares / (n - 1)) : 0.0);
    for (int i = 0; i < PERCENTILES.length; i++) {
      stats.put(P_NAMES[i], Stats.percentile(sorted, n, PERCENTILES[i]));
    }
    return new Result(stats, Map.of(), 0);
  }

  /**
   * A gauge's values in a window, as its statistics use them: those made from the window's
   * start to the end of the load, or to the final scrape when none was.
   *
   * @param s the series
   * @param w the window
   * @return the values, in time order
   */
  public static double[] gaugeValues(SeriesData s, Window w) {
    double[] v = values(s, w.start(), w.gaugeEnd());
    return v.length > 0 ? v : values(s, w.start(), w.end());
  }

  private static double[] values(SeriesData s, long from, long to) {
    int lo = s.lastBefore(from) + 1;
    int hi = s.lastBefore(to + 1);
    if (hi < lo) {
      return new double[0];
    }
    double[] v = new double[hi - lo + 1];
    for (int i = lo; i <= hi; i++) {
      v[i - lo] = ((Point.Scalar) s.point(i)).value();
    }
    return v;
  }

  private static @Nullable Result counter(SeriesData s, Window w) {
    int[] c = chain(s, w);
    if (c == null) {
      return null;
    }
    double total = 0;
    int resets = 0;
    for (int i = c[0] + 1; i <= c[1]; i++) {
      double prev = ((Point.Scalar) s.point(i - 1)).value();
      double now = ((Point.Scalar) s.point(i)).value();
      if (now >= prev) {
        total += now - prev;
      } else {
        total += now; // the counter restarted from 0 in between
        resets++;
      }
    }
    double seconds = (s.time(c[1]) - s.time(c[0])) / 1e9;
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("total", total);
    stats.put("rate", seconds > 0 ? total / seconds : 0.0);
    return new Result(stats, Map.of(), resets);
  }

  private static @Nullable Result histogram(SeriesData s, Window w) {
    int[] c = chain(s, w);
    if (c == null) {
      return null;
    }
    double count = 0;
    double sum = 0;
    int resets = 0;
    TreeMap<Double, String> les = new TreeMap<>();
    Map<String, Double> buckets = new LinkedHashMap<>();
    // Per bucket, the count and sum of the intervals in which all new observations fell in it.
    Map<String, double[]> learned = new LinkedHashMap<>();
    Point.Histogram first = (Point.Histogram) s.point(c[0]);
    for (int i = 0; i < first.les().length; i++) {
      les.put(first.bounds()[i], first.les()[i]);
      buckets.put(first.les()[i], 0.0);
    }
    for (int i = c[0] + 1; i <= c[1]; i++) {
      Point.Histogram prev = (Point.Histogram) s.point(i - 1);
      Point.Histogram now = (Point.Histogram) s.point(i);
      boolean reset = now.count() < prev.count() || now.sum() < prev.sum() && now.sum() >= 0;
      Map<String, Double> before = new LinkedHashMap<>();
      for (int b = 0; b < prev.les().length; b++) {
        before.put(prev.les()[b], prev.cumulative()[b]);
      }
      for (int b = 0; b < now.les().length && !reset; b++) {
        reset = now.cumulative()[b] < before.getOrDefault(now.les()[b], 0.0);
      }
      if (reset) {
        resets++;
      }
      double dCount = reset ? now.count() : now.count() - prev.count();
      double dSum = reset ? now.sum() : now.sum() - prev.sum();
      count += dCount;
      sum += dSum;
      String only = null;
      int filled = 0;
      double below = 0;
      for (int b = 0; b < now.les().length; b++) {
        String le = now.les()[b];
        les.putIfAbsent(now.bounds()[b], le);
        double d = reset ? now.cumulative()[b] : now.cumulative()[b] - before.getOrDefault(le, 0.0);
        buckets.merge(le, d, Double::sum);
        if (d - below > 0) {
          filled++;
          only = le;
        }
        below = d;
      }
      if (filled == 1 && dCount > 0) {
        double[] cs = learned.computeIfAbsent(only, k -> new double[2]);
        cs[0] += dCount;
        cs[1] += dSum;
      }
    }
    Map<String, Long> deltas = new LinkedHashMap<>();
    les.values().forEach(le -> deltas.put(le, Math.round(buckets.getOrDefault(le, 0.0))));
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("count", (double) Math.round(count));
    if (count <= 0) {
      return new Result(stats, deltas, resets);
    }
    double seconds = (s.time(c[1]) - s.time(c[0])) / 1e9;
    stats.put("sum", sum);
    stats.put("avg", sum / count);
    if (seconds > 0) {
      stats.put("count_rate", count / seconds);
      stats.put("sum_rate", sum / seconds);
    }
    double[] bounds = les.keySet().stream().mapToDouble(Double::doubleValue).toArray();
    double[] cumulative = les.values().stream().mapToDouble(le -> buckets.getOrDefault(le, 0.0))
        .toArray();
    double[] means = les.values().stream().mapToDouble(le -> {
      double[] cs = learned.get(le);
      return cs == null ? Double.NaN : cs[1] / cs[0];
    }).toArray();
    for (int i = 0; i < PERCENTILES.length; i++) {
      double q = quantile(PERCENTILES[i] / 100, bounds, cumulative, means);
      if (!Double.isNaN(q)) {
        stats.put(P_NAMES[i] + "_estimate", q);
      }
    }
    return new Result(stats, deltas, resets);
  }

  /**
   * Prometheus's {@code histogram_quantile}: the bucket holding the quantile's rank, linearly
   * within it; the highest finite bound when the rank falls in {@code +Inf}.
   */
  static double quantile(double q, double[] bounds, double[] cumulative) {
    double[] unknown = new double[bounds.length];
    java.util.Arrays.fill(unknown, Double.NaN);
    return quantile(q, bounds, cumulative, unknown);
  }

  /**
   * As {@link #quantile(double, double[], double[])}, but within a bucket whose observations'
   * mean is known, over the span of the bucket centred on that mean (for {@code +Inf}, from its
   * lower bound to as far above the mean), which keeps the bucket's mean and narrows the guess.
   */
  static double quantile(double q, double[] bounds, double[] cumulative, double[] means) {
    int n = bounds.length;
    if (n == 0 || cumulative[n - 1] <= 0) {
      return Double.NaN;
    }
    double total = cumulative[n - 1];
    double rank = q * total;
    int i = 0;
    while (i < n - 1 && cumulative[i] < rank) {
      i++;
    }
    double lower = i == 0 ? Math.min(0, bounds[0]) : bounds[i - 1];
    double upper = bounds[i];
    double mean = means[i];
    if (Double.isFinite(mean) && mean >= lower && (mean <= upper || Double.isInfinite(upper))) {
      double half = Double.isInfinite(upper) ? mean - lower : Math.min(mean - lower, upper - mean);
      lower = mean - half;
      upper = mean + half;
    } else if (Double.isInfinite(upper)) {
      return i == 0 ? Double.NaN : bounds[i - 1];
    }
    double below = i == 0 ? 0 : cumulative[i - 1];
    double inBucket = cumulative[i] - below;
    if (inBucket <= 0) {
      return upper;
    }
    return lower + (upper - lower) * (rank - below) / inBucket;
  }

  private static @Nullable Result summary(SeriesData s, Window w) {
    int[] c = chain(s, w);
    if (c == null) {
      return null;
    }
    double count = 0;
    double sum = 0;
    int resets = 0;
    for (int i = c[0] + 1; i <= c[1]; i++) {
      Point.Summary prev = (Point.Summary) s.point(i - 1);
      Point.Summary now = (Point.Summary) s.point(i);
      boolean reset = now.count() < prev.count();
      resets += reset ? 1 : 0;
      count += reset ? now.count() : now.count() - prev.count();
      sum += reset ? now.sum() : now.sum() - prev.sum();
    }
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("count", (double) Math.round(count));
    stats.put("sum", sum);
    if (count > 0) {
      stats.put("avg", sum / count);
    }
    int latest = Math.max(c[0], s.lastBefore(w.gaugeEnd() + 1));
    ((Point.Summary) s.point(latest)).quantiles().forEach((q, v) -> stats.put("quantile_" + q,
        v));
    return new Result(stats, Map.of(), resets);
  }
}
