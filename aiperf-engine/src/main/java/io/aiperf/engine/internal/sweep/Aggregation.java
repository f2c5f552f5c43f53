package io.aiperf.engine.internal.sweep;

import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Estimate;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AIPerf 0.13's confidence aggregation: for every metric and statistic the runs reported, the
 * mean over the runs, the sample standard deviation, CV, standard error and a Student-t interval.
 * Non-finite values are skipped; one run gives a zero spread and a collapsed interval.
 */
final class Aggregation {
  /** AIPerf's STAT_KEYS, in its order; scalar metrics have only {@code avg}. */
  static final List<Statistic> STATS = List.of(Statistic.AVG, Statistic.MIN, Statistic.MAX,
      Statistic.SUM, Statistic.P1, Statistic.P5, Statistic.P10, Statistic.P25, Statistic.P50,
      Statistic.P75, Statistic.P90, Statistic.P95, Statistic.P99, Statistic.STD);

  private Aggregation() {}

  static Map<String, Estimate> aggregate(List<BenchmarkResult> runs, double confidenceLevel) {
    Map<String, Estimate> out = new LinkedHashMap<>();
    if (runs.isEmpty()) {
      return out;
    }
    Map<String, List<MetricResult>> byTag = new LinkedHashMap<>();
    for (BenchmarkResult r : runs) {
      for (MetricResult m : r.metrics()) {
        byTag.computeIfAbsent(m.tag().tag(), k -> new ArrayList<>()).add(m);
      }
    }
    byTag.forEach((tag, results) -> {
      boolean scalar = results.get(0).scalar();
      for (Statistic s : STATS) {
        if (scalar && s != Statistic.AVG) {
          continue;
        }
        double[] values = results.stream().mapToDouble(m -> m.get(s)).filter(Double::isFinite)
            .toArray();
        if (values.length > 0) {
          out.put(tag + "_" + s.key(), estimate(values, results.get(0).unit(), confidenceLevel));
        }
      }
    });
    return out;
  }

  static Estimate estimate(double[] values, String unit, double confidenceLevel) {
    int n = values.length;
    double mean = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      mean += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    mean /= n;
    if (n == 1) {
      return new Estimate(mean, 0, min, max, 0, 0, mean, mean, Double.NaN, 1, unit);
    }
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(ss / (n - 1));
    double cv = mean != 0 ? std / mean : Double.POSITIVE_INFINITY;
    double se = std / Math.sqrt(n);
    double t = TDist.quantile(1 - (1 - confidenceLevel) / 2, n - 1);
    return new Estimate(mean, std, min, max, cv, se, mean - t * se, mean + t * se, t, n, unit);
  }

  /**
   * A Wilson score interval for a proportion of {@code successes} in {@code trials}, as an
   * Estimate (mean = the observed proportion).
   */
  static Estimate wilson(long successes, long trials, double confidenceLevel) {
    if (trials <= 0) {
      return new Estimate(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          0, 1, Double.NaN, 0, "ratio");
    }
    double p = successes / (double) trials;
    double z = TDist.normalQuantile(1 - (1 - confidenceLevel) / 2);
    double z2 = z * z;
    double denom = 1 + z2 / trials;
    double centre = (p + z2 / (2.0 * trials)) / denom;
    double half = z * Math.sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials)) / denom;
    double se = Math.sqrt(p * (1 - p) / trials);
    return new Estimate(p, se * Math.sqrt(trials), p, p, p != 0 ? se * Math.sqrt(trials) / p : 0,
        se, Math.max(0, centre - half), Math.min(1, centre + half), z, (int) Math.min(trials,
            Integer.MAX_VALUE), "ratio");
  }
}
