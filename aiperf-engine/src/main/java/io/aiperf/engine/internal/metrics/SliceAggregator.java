package io.aiperf.engine.internal.metrics;

import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.spi.MetricInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.HdrHistogram.DoubleHistogram;
import org.HdrHistogram.DoubleHistogramIterationValue;
import org.HdrHistogram.IntCountsHistogram;
import org.HdrHistogram.PackedDoubleHistogram;
import org.jspecify.annotations.Nullable;

/**
 * The record metrics of one time slice, without keeping its values: per metric an interval
 * histogram (HdrHistogram, 3 significant digits) and running sums. While the slice fills, its
 * histograms are plain ones with int counts (a few nanoseconds a value, tens of KB each); once
 * its owner says it
 * is done ({@link #compact()}), they are packed (memory follows the buckets in use, a few KB,
 * though a value costs several times more), so a run of thousands of slices holds a few KB per
 * metric and slice whatever the request rate, and a late request still lands in its slice.
 *
 * <p>Precision: count, min and max are exact; sum and mean are Kahan-compensated in arrival order
 * (the exact statistics sum the sorted values: the two agree to about 1e-15); std is Welford's,
 * equal to the two-pass value to about 1e-12. Percentiles are numpy's linear interpolation
 * between the closest ranks, on values rounded down to their histogram bucket, the smallest and
 * largest being the exact min and max: within 0.1 % of the exact percentile (exact for integers
 * below 2048, e.g. most token counts, and for slices of one or two values).
 * Single-threaded: the records manager owns it.
 */
public final class SliceAggregator {
  private static final double[] PERCENTILES = {1, 5, 10, 25, 50, 75, 90, 95, 99};
  private static final int DIGITS = 3;

  private final MetricInfo[] infos;
  private final @Nullable Accumulator[] metrics;
  private long records;
  private long failures;

  /**
   * Creates an empty slice.
   *
   * @param infos the record metrics, in id order
   */
  public SliceAggregator(List<MetricInfo> infos) {
    this.infos = infos.toArray(new MetricInfo[0]);
    this.metrics = new Accumulator[this.infos.length];
  }

  /**
   * Adds one request's values.
   *
   * @param record the values by metric id
   */
  public void add(RecordValues record) {
    records++;
    addValues(record);
  }

  /**
   * Adds a failed request's values (its error metrics, e.g. {@code error_isl}): AIPerf's slices
   * hold failed requests too. It does not count in {@link #records()}.
   *
   * @param record the values by metric id
   */
  public void addFailed(RecordValues record) {
    failures++;
    addValues(record);
  }

  private void addValues(RecordValues record) {
    int[] offsets = record.offsets();
    double[] values = record.values();
    int n = Math.min(record.span(), metrics.length);
    for (int id = 0; id < n; id++) {
      int from = offsets[id];
      int to = offsets[id + 1];
      if (from == to) {
        continue;
      }
      Accumulator a = metrics[id];
      if (a == null) {
        a = new Accumulator();
        metrics[id] = a;
      }
      for (int i = from; i < to; i++) {
        a.add(values[i]);
      }
    }
  }

  /**
   * Packs the histograms: the slice is past, and few values, if any, will still come.
   */
  public void compact() {
    for (Accumulator a : metrics) {
      if (a != null) {
        a.positive = packed(a.positive);
        a.negative = packed(a.negative);
      }
    }
  }

  private static @Nullable DoubleHistogram packed(@Nullable DoubleHistogram h) {
    if (h == null || h instanceof PackedDoubleHistogram) {
      return h;
    }
    // Not new PackedDoubleHistogram(h): that sizes it as h, and it stays as large.
    DoubleHistogram packed = new PackedDoubleHistogram(DIGITS);
    packed.add(h);
    return packed;
  }

  /**
   * Returns how many successful requests were added.
   *
   * @return the count
   */
  public long records() {
    return records;
  }

  /**
   * Returns how many failed requests were added.
   *
   * @return the count
   */
  public long failures() {
    return failures;
  }

  /**
   * Returns the sum of a metric's values in this slice, for the slice's derived metrics.
   *
   * @param tag the record metric's tag
   * @return the sum in its base unit, 0 when it has no values here
   */
  public double sum(String tag) {
    for (int id = 0; id < infos.length; id++) {
      Accumulator a = metrics[id];
      if (infos[id].tag().equals(tag)) {
        return a == null ? 0 : a.sum; // the first id of a tag, as MetricsAggregator.sum
      }
    }
    return 0;
  }

  /** How many values a metric has in this slice, as {@link #sum} finds it. */
  public long count(String tag) {
    for (int id = 0; id < infos.length; id++) {
      Accumulator a = metrics[id];
      if (infos[id].tag().equals(tag)) {
        return a == null ? 0 : a.count;
      }
    }
    return 0;
  }

  /**
   * Computes every metric with values, in display order.
   *
   * @return the results, in display units
   */
  public List<MetricResult> results() {
    List<Integer> ids = new ArrayList<>();
    for (int id = 0; id < metrics.length; id++) {
      if (metrics[id] != null) {
        ids.add(id);
      }
    }
    ids.sort(Comparator.comparingInt(id -> infos[id].displayOrder()));
    List<MetricResult> out = new ArrayList<>();
    for (int id : ids) {
      Accumulator a = metrics[id];
      if (a != null) {
        out.add(a.result(infos[id]));
      }
    }
    return out;
  }

  /** One metric's running sums and histograms (negative values in a second one, by magnitude). */
  private static final class Accumulator {
    long count;
    double sum;
    double compensation;
    double mean;
    double m2;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    @Nullable DoubleHistogram positive;
    @Nullable DoubleHistogram negative;

    void add(double v) {
      count++;
      double y = v - compensation; // Kahan, as Stats.sum
      double t = sum + y;
      compensation = (t - sum) - y;
      sum = t;
      double delta = v - mean;
      mean += delta / count;
      m2 += delta * (v - mean);
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (!Double.isFinite(v)) {
        return;
      }
      if (v >= 0) {
        DoubleHistogram h = positive;
        if (h == null) {
          h = new DoubleHistogram(DIGITS, IntCountsHistogram.class);
          positive = h;
        }
        h.recordValue(v);
      } else {
        DoubleHistogram h = negative;
        if (h == null) {
          h = new DoubleHistogram(DIGITS, IntCountsHistogram.class);
          negative = h;
        }
        h.recordValue(-v);
      }
    }

    MetricResult result(MetricInfo info) {
      double scale = info.displayScale();
      double[] p = percentiles();
      for (int i = 0; i < p.length; i++) {
        p[i] *= scale;
      }
      return new MetricResult(new MetricTag(info.tag()), info.header(), info.unit(), false, count,
          sum / count * scale, min * scale, max * scale, sum * scale,
          Math.sqrt(m2 / count) * scale,
          p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
    }

    /** numpy's percentiles over the bucketed values, ascending: negatives first. */
    private double[] percentiles() {
      // Each bucket's lowest value (by magnitude for negatives) and the running count to it.
      int n = 0;
      double[] values = new double[64];
      long[] cumulative = new long[64];
      long total = 0;
      for (int side = 0; side < 2; side++) {
        DoubleHistogram h = side == 0 ? negative : positive;
        if (h == null) {
          continue;
        }
        int first = n;
        for (DoubleHistogramIterationValue v : h.recordedValues()) {
          if (n == values.length) {
            values = Arrays.copyOf(values, n * 2);
            cumulative = Arrays.copyOf(cumulative, n * 2);
          }
          values[n] = h.lowestEquivalentValue(v.getValueIteratedTo());
          cumulative[n++] = v.getCountAtValueIteratedTo(); // a count until summed below
        }
        if (side == 0) { // negatives: largest magnitude first
          for (int a = first, b = n - 1; a < b; a++, b--) {
            double value = values[a];
            values[a] = values[b];
            values[b] = value;
            long count = cumulative[a];
            cumulative[a] = cumulative[b];
            cumulative[b] = count;
          }
          for (int k = first; k < n; k++) {
            values[k] = -values[k];
          }
        }
      }
      for (int k = 0; k < n; k++) {
        total += cumulative[k];
        cumulative[k] = total;
      }
      double[] out = new double[PERCENTILES.length];
      if (n == 0) {
        Arrays.fill(out, Double.NaN);
        return out;
      }
      for (int i = 0; i < PERCENTILES.length; i++) {
        double rank = PERCENTILES[i] / 100.0 * (total - 1);
        long lo = (long) Math.floor(rank);
        long hi = (long) Math.ceil(rank);
        double fraction = rank - lo;
        double a = at(values, cumulative, n, lo, total);
        double b = at(values, cumulative, n, hi, total);
        // As Stats.percentile: from the nearer end.
        out[i] = fraction >= 0.5 ? b - (b - a) * (1 - fraction) : a + (b - a) * fraction;
      }
      return out;
    }

    /**
     * The index-th smallest value (0-based): the exact min and max at the ends, else its bucket's
     * lowest value, kept within them.
     */
    private double at(double[] values, long[] cumulative, int n, long index, long total) {
      if (index == 0 && Double.isFinite(min)) {
        return min;
      }
      if (index == total - 1 && Double.isFinite(max)) {
        return max;
      }
      int i = Arrays.binarySearch(cumulative, 0, n, index + 1);
      if (i < 0) {
        i = -i - 1; // the first bucket whose running count passes the index
      }
      return Math.max(min, Math.min(max, values[Math.min(i, n - 1)]));
    }
  }
}
