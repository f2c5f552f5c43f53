package io.aiperf.engine.internal.metrics;

import java.util.Arrays;

/**
 * Exact statistics with numpy's definitions: percentiles by linear interpolation between closest
 * ranks ({@code np.percentile} default) and the population standard deviation ({@code ddof=0}).
 */
public final class Stats {
  private Stats() {}

  /**
   * The percentile of sorted values, as {@code np.percentile(values, p)}.
   *
   * @param sorted values in ascending order
   * @param n how many values are used, at least 1
   * @param p the percentile, 0 to 100
   * @return the interpolated value
   */
  public static double percentile(double[] sorted, int n, double p) {
    if (n == 0) {
      throw new IllegalArgumentException("percentile of no values");
    }
    double rank = p / 100.0 * (n - 1);
    int lo = (int) Math.floor(rank);
    int hi = (int) Math.ceil(rank);
    double fraction = rank - lo;
    double a = sorted[lo];
    double b = sorted[hi];
    // numpy's _lerp: from the nearer end, so results match np.percentile to the last bit.
    return fraction >= 0.5 ? b - (b - a) * (1 - fraction) : a + (b - a) * fraction;
  }

  /**
   * Sorts a copy of the first n values.
   *
   * @param values the values
   * @param n how many are used
   * @return a sorted copy
   */
  public static double[] sortedCopy(double[] values, int n) {
    double[] copy = Arrays.copyOf(values, n);
    Arrays.sort(copy);
    return copy;
  }

  /**
   * The mean, summed with Kahan compensation so a million values lose no precision.
   *
   * @param values the values
   * @param n how many are used
   * @return the mean
   */
  public static double mean(double[] values, int n) {
    return sum(values, n) / n;
  }

  /**
   * The sum with Kahan compensation.
   *
   * @param values the values
   * @param n how many are used
   * @return the sum
   */
  public static double sum(double[] values, int n) {
    double sum = 0;
    double c = 0;
    for (int i = 0; i < n; i++) {
      double y = values[i] - c;
      double t = sum + y;
      c = (t - sum) - y;
      sum = t;
    }
    return sum;
  }

  /**
   * The population standard deviation, two-pass for accuracy.
   *
   * @param values the values
   * @param n how many are used
   * @return the standard deviation
   */
  public static double populationStd(double[] values, int n) {
    double mean = mean(values, n);
    double sq = 0;
    double c = 0;
    for (int i = 0; i < n; i++) {
      double d = values[i] - mean;
      double y = d * d - c;
      double t = sq + y;
      c = (t - sq) - y;
      sq = t;
    }
    return Math.sqrt(sq / n);
  }
}
