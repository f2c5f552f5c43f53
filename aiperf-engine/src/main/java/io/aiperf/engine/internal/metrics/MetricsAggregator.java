package io.aiperf.engine.internal.metrics;

import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.spi.MetricFlag;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.MetricProvider.DerivedMetric;
import io.aiperf.api.spi.RunTotals;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import org.HdrHistogram.DoubleHistogram;
import org.jspecify.annotations.Nullable;

/**
 * Accumulates record-metric values of one run: exact values in primitive arrays (for AIPerf's
 * exact percentiles) and an HdrHistogram beside each (constant memory, mergeable across runs and
 * hosts). Metrics are indexed by their id, the position of their description in the constructor's
 * list (a {@link MetricRegistry}'s order), so a record's values go in without a tag lookup.
 * Single-threaded: the records manager owns it.
 */
public final class MetricsAggregator {
  /**
   * Values kept per metric for exact statistics: a million requests stay exact (as AIPerf), and
   * memory stays bounded beyond. Past it, percentiles come from the HdrHistogram (3 significant
   * digits) and count, sum, mean, min, max and std from running sums, still exact; the result says
   * which metrics. In a heap under 4 GB, one value per 4 KB of heap instead (65,536 in 256 MB):
   * a streamed run fills some 45 metrics per request at 8 bytes a value (12 while an array
   * grows), so that a million of each (360-540 MB) would not fit, and an eighth of the heap does.
   */
  public static final int DEFAULT_EXACT_LIMIT =
      (int) Math.min(1_000_000, Runtime.getRuntime().maxMemory() / 4096);

  private final Series[] series;
  private final MetricInfo[] infos;
  private final Map<String, Integer> ids = new HashMap<>();
  private final int exactLimit;

  /**
   * Registers the record metrics that values may arrive for.
   *
   * @param recordMetrics their descriptions
   */
  public MetricsAggregator(List<MetricInfo> recordMetrics) {
    this(recordMetrics, DEFAULT_EXACT_LIMIT);
  }

  /**
   * Registers the record metrics, with a bound on the values kept per metric.
   *
   * @param recordMetrics their descriptions
   * @param exactLimit values kept per metric for exact percentiles
   */
  public MetricsAggregator(List<MetricInfo> recordMetrics, int exactLimit) {
    this.exactLimit = exactLimit;
    infos = recordMetrics.toArray(new MetricInfo[0]);
    series = new Series[infos.length];
    for (int id = 0; id < infos.length; id++) {
      series[id] = new Series(infos[id].displayScale());
      ids.putIfAbsent(infos[id].tag(), id);
    }
  }

  /**
   * Adds the values one request produced for one metric.
   *
   * @param tag the metric tag
   * @param values values in the base unit
   */
  public void add(String tag, double[] values) {
    Integer id = ids.get(tag);
    if (id != null) {
      add(series[id], values, 0, values.length);
    }
  }

  /**
   * Adds the values one request produced, metric by metric; ids past this aggregator's metrics
   * are ignored.
   *
   * @param record the values by metric id
   */
  public void add(RecordValues record) {
    int[] offsets = record.offsets();
    double[] values = record.values();
    int n = Math.min(record.span(), series.length);
    for (int id = 0; id < n; id++) {
      int from = offsets[id];
      int to = offsets[id + 1];
      if (from < to) {
        add(series[id], values, from, to);
      }
    }
  }

  private void add(Series s, double[] values, int from, int to) {
    for (int i = from; i < to; i++) {
      double v = values[i];
      if (s.overflowed) {
        s.observe(v);
      } else if (s.values.size() < exactLimit) {
        s.values.add(v);
      } else {
        s.overflow();
        s.observe(v);
      }
      double shown = v * s.scale; // histograms hold display units, so exports merge as they read
      if (shown >= 0 && Double.isFinite(shown)) {
        s.histogram.recordValue(shown);
        s.shownSum += shown;
        s.shownSquares += shown * shown;
      }
    }
  }

  /**
   * Returns the sum of a metric's values.
   *
   * @param tag the metric tag
   * @return the sum in the base unit
   */
  public double sum(String tag) {
    Integer id = ids.get(tag);
    return id == null ? 0 : series[id].sum();
  }

  /**
   * Returns how many values a metric has.
   *
   * @param tag the metric tag
   * @return the count, 0 for an unknown tag
   */
  public long count(String tag) {
    Integer id = ids.get(tag);
    return id == null ? 0 : series[id].count();
  }

  /**
   * Returns the metrics whose percentiles came from their histogram, past the exact limit.
   *
   * @return their tags
   */
  public List<String> approximated() {
    List<String> out = new ArrayList<>();
    for (int id = 0; id < series.length; id++) {
      if (series[id].overflowed) {
        out.add(infos[id].tag());
      }
    }
    return out;
  }

  /**
   * Returns a metric's HdrHistogram, for merging.
   *
   * @param tag the metric tag
   * @return the histogram, in the display unit
   */
  public DoubleHistogram histogram(String tag) {
    Integer id = ids.get(tag);
    if (id == null) {
      throw new NullPointerException("no record metric " + tag);
    }
    return series[id].histogram;
  }

  /**
   * Returns every non-empty histogram, encoded for export.
   *
   * @return tag to base64 compressed HdrHistogram
   */
  public Map<String, String> encodedHistograms() {
    Map<String, String> out = new LinkedHashMap<>();
    for (int id = 0; id < series.length; id++) {
      if (series[id].histogram.getTotalCount() > 0) {
        out.putIfAbsent(infos[id].tag(), HistogramCodec.encode(series[id].histogram));
      }
    }
    return out;
  }

  /**
   * Computes every metric with values, plus the derived metrics, in display order.
   *
   * @param derived the derived metrics
   * @param totals the run's totals; may be null when there are no derived metrics
   * @return the results, in display units
   */
  public List<MetricResult> results(List<DerivedMetric> derived, @Nullable RunTotals totals) {
    List<Map.Entry<MetricInfo, MetricResult>> out = new ArrayList<>();
    for (int id = 0; id < series.length; id++) {
      Series s = series[id];
      if (s.values.size() == 0) {
        continue;
      }
      MetricInfo info = infos[id];
      out.add(Map.entry(info, s.overflowed ? approximate(info, s) : distribution(info, s.values)));
    }
    for (DerivedMetric d : derived) {
      OptionalDouble v = d.compute(Objects.requireNonNull(totals, "derived metrics need totals"));
      if (v.isPresent()) {
        MetricInfo info = d.info();
        out.add(Map.entry(info, MetricResult.scalar(new MetricTag(info.tag()), info.header(),
            info.unit(), v.getAsDouble() * info.displayScale())));
      }
    }
    out.sort(Comparator.comparingInt(e -> e.getKey().displayOrder()));
    return out.stream().map(Map.Entry::getValue).toList();
  }

  /**
   * Statistics of every metric with values so far, plus the derived metrics, in display order,
   * read from the HdrHistograms and running sums: a live view whose cost does not grow with the
   * run (no copy, no sort, no pass over the values). Percentiles, min and max are the
   * histogram's, to 3 significant digits; mean and std come from running sums of the same
   * values; negative values, which histograms do not hold, are left out.
   *
   * @param derived the derived metrics
   * @param totals the run's totals so far (for sums, see {@link #approximateSum(String)}); may be
   *     null when there are no derived metrics
   * @return the results, in display units
   */
  public List<MetricResult> live(List<DerivedMetric> derived, @Nullable RunTotals totals) {
    List<Map.Entry<MetricInfo, MetricResult>> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int id = 0; id < series.length; id++) {
      DoubleHistogram h = series[id].histogram;
      MetricInfo info = infos[id];
      if (h.getTotalCount() == 0 || !seen.add(info.tag())) {
        continue;
      }
      double p99 = h.getValueAtPercentile(99);
      // The top of the max's bucket would read 100.06 for 100 tokens: its bottom, unless a
      // percentile reads higher.
      double max = Math.max(p99, h.lowestEquivalentValue(h.getMaxValue()));
      Series s = series[id];
      long n = h.getTotalCount();
      double mean = s.shownSum / n;
      double std = Math.sqrt(Math.max(0, s.shownSquares / n - mean * mean));
      out.add(Map.entry(info, new MetricResult(new MetricTag(info.tag()), info.header(),
          info.unit(), false, n, mean, h.getMinValue(), max, s.shownSum, std,
          h.getValueAtPercentile(1), h.getValueAtPercentile(5), h.getValueAtPercentile(10),
          h.getValueAtPercentile(25), h.getValueAtPercentile(50), h.getValueAtPercentile(75),
          h.getValueAtPercentile(90), h.getValueAtPercentile(95), p99)));
    }
    for (DerivedMetric d : derived) {
      OptionalDouble v;
      try {
        v = d.compute(Objects.requireNonNull(totals, "derived metrics need totals"));
      } catch (RuntimeException e) {
        continue; // a plugin's metric that cannot take partial totals is left out of the view
      }
      if (v.isPresent()) {
        MetricInfo info = d.info();
        out.add(Map.entry(info, MetricResult.scalar(new MetricTag(info.tag()), info.header(),
            info.unit(), v.getAsDouble() * info.displayScale())));
      }
    }
    out.sort(Comparator.comparingInt(e -> e.getKey().displayOrder()));
    return out.stream().map(Map.Entry::getValue).toList();
  }

  /**
   * A metric's running sum (uncompensated, back in the base unit, negative values left out):
   * for live totals, where {@link #sum(String)}'s pass over every value would grow with the run.
   *
   * @param tag the metric tag
   * @return the approximate sum in the base unit, 0 for an unknown or empty metric
   */
  public double approximateSum(String tag) {
    Integer id = ids.get(tag);
    if (id == null) {
      return 0;
    }
    Series s = series[id];
    return s.scale == 0 ? 0 : s.shownSum / s.scale;
  }

  /**
   * The error-adjusted distributions ({@code adj_<tag>}) of metrics flagged
   * {@link MetricFlag#PERCENTILE_INCLUDES_FAILED}: every failed request is a +infinity sample and
   * percentiles are nearest-rank, so {@code p} is the value below which p % of all requests, failed
   * ones included, completed. A percentile that falls among the failures is infinite; exports
   * leave it out, as AIPerf does, and only {@code min} and the finite percentiles remain.
   *
   * @param failed requests that ended without a value (errors and cancellations)
   * @return the adjusted results, none when nothing failed
   */
  public List<MetricResult> errorAdjusted(long failed) {
    List<MetricResult> out = new ArrayList<>();
    if (failed <= 0) {
      return out;
    }
    for (int id = 0; id < series.length; id++) {
      MetricInfo info = infos[id];
      DoubleArray values = series[id].values;
      if (!info.has(MetricFlag.PERCENTILE_INCLUDES_FAILED) || values.size() == 0
          || series[id].overflowed) {
        continue;
      }
      double[] sorted = Stats.sortedCopy(values.raw(), values.size());
      long n = sorted.length + failed;
      double scale = info.displayScale();
      double[] p = new double[9];
      double[] ranks = {1, 5, 10, 25, 50, 75, 90, 95, 99};
      for (int i = 0; i < ranks.length; i++) {
        long rank = Math.max(1, (long) Math.ceil(ranks[i] / 100.0 * n));
        p[i] = rank <= sorted.length ? sorted[(int) rank - 1] * scale : Double.POSITIVE_INFINITY;
      }
      double nan = Double.NaN;
      out.add(new MetricResult(new MetricTag("adj_" + info.tag()),
          info.header() + " (error-adjusted)", info.unit(), false, n, nan,
          sorted[0] * scale, Double.POSITIVE_INFINITY, nan, nan,
          p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]));
    }
    return out;
  }

  /**
   * Tells whether a metric is shown in the console table.
   *
   * @param tag the metric tag
   * @return false for NO_CONSOLE metrics
   */
  public boolean onConsole(String tag) {
    Integer id = ids.get(tag);
    return id == null || !infos[id].has(MetricFlag.NO_CONSOLE);
  }

  static MetricResult distribution(MetricInfo info, DoubleArray values) {
    int n = values.size();
    double scale = info.displayScale();
    double[] sorted = Stats.sortedCopy(values.raw(), n);
    return new MetricResult(new MetricTag(info.tag()), info.header(), info.unit(), false, n,
        Stats.mean(sorted, n) * scale,
        sorted[0] * scale,
        sorted[n - 1] * scale,
        Stats.sum(sorted, n) * scale,
        Stats.populationStd(sorted, n) * scale,
        Stats.percentile(sorted, n, 1) * scale,
        Stats.percentile(sorted, n, 5) * scale,
        Stats.percentile(sorted, n, 10) * scale,
        Stats.percentile(sorted, n, 25) * scale,
        Stats.percentile(sorted, n, 50) * scale,
        Stats.percentile(sorted, n, 75) * scale,
        Stats.percentile(sorted, n, 90) * scale,
        Stats.percentile(sorted, n, 95) * scale,
        Stats.percentile(sorted, n, 99) * scale);
  }

  /** Past the exact limit: exact moments from running sums, percentiles from the histogram. */
  static MetricResult approximate(MetricInfo info, Series s) {
    double scale = info.displayScale();
    DoubleHistogram h = s.histogram;
    double mean = s.mean;
    double std = Math.sqrt(s.m2 / s.count);
    return new MetricResult(new MetricTag(info.tag()), info.header(), info.unit(), false, s.count,
        mean * scale, s.min * scale, s.max * scale, s.sum * scale,
        std * scale,
        h.getValueAtPercentile(1), h.getValueAtPercentile(5), h.getValueAtPercentile(10),
        h.getValueAtPercentile(25), h.getValueAtPercentile(50), h.getValueAtPercentile(75),
        h.getValueAtPercentile(90), h.getValueAtPercentile(95), h.getValueAtPercentile(99));
  }

  /**
   * One metric's values. Below the exact limit they are only appended (the exact statistics are
   * computed from them at the end); the running sums that replace them past the limit start by
   * replaying them, in the same order, so they hold what running from the first value would.
   */
  static final class Series {
    final double scale;
    final DoubleArray values = new DoubleArray();
    final DoubleHistogram histogram = new DoubleHistogram(3);
    /**
     * Sum and sum of squares of what the histogram holds, for the live view's mean and std: the
     * histogram's own walk over every bucket for those would cost more than all its percentiles.
     */
    double shownSum;
    double shownSquares;
    boolean overflowed;
    long count;
    double sum;
    double sumCompensation;
    double mean;
    double m2;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;

    Series(double scale) {
      this.scale = scale;
    }

    /** The sum, Kahan-compensated as {@link Stats#sum}, so both agree to the bit. */
    double sum() {
      return overflowed ? sum : Stats.sum(values.raw(), values.size());
    }

    /** How many values: the exact ones, or all observed once past the limit. */
    long count() {
      return overflowed ? count : values.size();
    }

    /** The exact values stop here: running sums from now on. */
    void overflow() {
      overflowed = true;
      double[] raw = values.raw();
      for (int i = 0; i < values.size(); i++) {
        observe(raw[i]);
      }
    }

    /** Running count, sum (compensated), min, max and Welford mean and M2. */
    void observe(double v) {
      count++;
      double y = v - sumCompensation; // Kahan, as Stats.sum, so both agree to the bit
      double t = sum + y;
      sumCompensation = (t - sum) - y;
      sum = t;
      double delta = v - mean;
      mean += delta / count;
      m2 += delta * (v - mean);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
}
