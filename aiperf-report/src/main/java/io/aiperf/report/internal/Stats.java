package io.aiperf.report.internal;

import java.util.Arrays;

/** Small statistics over primitive arrays, as the charts need them. */
final class Stats {
  private Stats() {}

  /**
   * The p-th percentile of sorted values, interpolated between the closest ranks (NumPy's
   * default, which AIPerf uses); NaN for no values.
   */
  static double percentile(double[] sorted, int n, double p) {
    if (n == 0) {
      return Double.NaN;
    }
    double rank = p / 100.0 * (n - 1);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(n - 1, lo + 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
  }

  /** The finite values of {@code values} at the chosen rows, sorted. */
  static double[] sortedFinite(double[] values, int n, java.util.function.IntPredicate keep) {
    double[] out = new double[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (keep.test(i) && Double.isFinite(values[i])) {
        out[m++] = values[i];
      }
    }
    double[] sorted = Arrays.copyOf(out, m);
    Arrays.sort(sorted);
    return sorted;
  }

  static double mean(double[] v) {
    double sum = 0;
    int n = 0;
    for (double d : v) {
      if (Double.isFinite(d)) {
        sum += d;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** A step of 1, 2 or 5 times a power of ten near {@code raw}: window sizes people read easily. */
  static double niceStep(double raw) {
    if (!(raw > 0)) {
      return 1;
    }
    double pow = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / pow;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nice * pow;
  }

  /**
   * Chooses which of {@code n} rows to draw when at most {@code budget} fit: every k-th row, plus
   * the rows with the largest {@code key} (the slowest requests), so that spikes stay visible.
   *
   * @return row indices, ascending
   */
  static int[] sample(int[] rows, double[] key, int budget) {
    if (rows.length <= budget) {
      return rows;
    }
    int top = Math.max(1, Math.min(budget / 5, rows.length / 100));
    int strideBudget = budget - top;
    boolean[] chosen = new boolean[rows.length];
    double step = (double) rows.length / strideBudget;
    for (int i = 0; i < strideBudget; i++) {
      chosen[(int) (i * step)] = true;
    }
    Integer[] byKey = new Integer[rows.length];
    for (int i = 0; i < rows.length; i++) {
      byKey[i] = i;
    }
    Arrays.sort(byKey, (a, b) -> Double.compare(val(key, rows[b]), val(key, rows[a])));
    for (int i = 0; i < top; i++) {
      chosen[byKey[i]] = true;
    }
    int[] out = new int[rows.length];
    int m = 0;
    for (int i = 0; i < rows.length; i++) {
      if (chosen[i]) {
        out[m++] = rows[i];
      }
    }
    return Arrays.copyOf(out, m);
  }

  private static double val(double[] key, int row) {
    double v = key[row];
    return Double.isFinite(v) ? v : Double.NEGATIVE_INFINITY;
  }
}
