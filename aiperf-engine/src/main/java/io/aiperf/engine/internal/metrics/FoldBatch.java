package io.aiperf.engine.internal.metrics;

import java.util.Arrays;

/**
 * The events of one fold of {@link RequestSpans}, those in its time range; or only the range of
 * the times given.
 */
final class FoldBatch implements SpanEvents.Sink {
  /** Earlier times are taken as this one (for a request that came after they were summed). */
  double clampBelow = Double.NEGATIVE_INFINITY;
  double lo;
  double hi;
  boolean all;
  double[] ts = new double[1024];
  double[] ds = new double[1024];
  int n;
  double min;
  double max;
  boolean nan;

  FoldBatch range(double from, double to, boolean everything) {
    lo = from;
    hi = to;
    all = everything;
    n = 0;
    return this;
  }

  /** Keeps no event, only the earliest and latest time and whether one was NaN. */
  FoldBatch bounds() {
    range(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, false);
    min = Double.POSITIVE_INFINITY;
    max = Double.NEGATIVE_INFINITY;
    nan = false;
    return this;
  }

  @Override
  public void add(double t, double delta) {
    if (t < clampBelow) {
      t = clampBelow;
    }
    if (t < min) {
      min = t;
    }
    if (t > max) {
      max = t;
    }
    if (Double.isNaN(t)) {
      nan = true;
    }
    if (!(t < lo) && (all || t < hi)) {
      if (n == ts.length) {
        ts = Arrays.copyOf(ts, n * 2);
        ds = Arrays.copyOf(ds, n * 2);
      }
      ts[n] = t;
      ds[n++] = delta;
    }
  }
}
