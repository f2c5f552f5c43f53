package io.aiperf.report.internal;

import java.util.Arrays;
import java.util.List;

/**
 * Samples of one quantity over wall-clock time (a GPU's utilisation, a server gauge with one set of
 * labels), as read from the telemetry and server-metrics exports.
 *
 * @param label the series' name in a legend (GPU, labels)
 * @param timeNs the sample times, wall clock, ascending
 * @param values the values at those times
 */
record TimeSeries(String label, long[] timeNs, double[] values) {

  int size() {
    return timeNs.length;
  }

  /** How much the series moves: the spread of its values relative to their scale. */
  double variation() {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (min > max) {
      return 0;
    }
    double scale = Math.max(Math.abs(min), Math.abs(max));
    return scale == 0 ? 0 : (max - min) / scale;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TimeSeries t && label.equals(t.label) && Arrays.equals(timeNs, t.timeNs)
        && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return label.hashCode() * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "TimeSeries[" + label + ", " + timeNs.length + " samples]";
  }

  /**
   * The series of one metric (one per GPU, or per label set).
   *
   * @param metric the metric's name
   * @param unit its unit, or an empty string
   * @param kind how the values were derived: {@code gauge}, {@code rate} (per second, from a
   *     counter) or {@code average} (per interval, from a histogram's sum and count)
   * @param series the series
   */
  record Group(String metric, String unit, String kind, List<TimeSeries> series) {
    Group {
      series = List.copyOf(series);
    }

    double variation() {
      return series.stream().mapToDouble(TimeSeries::variation).max().orElse(0);
    }
  }
}
