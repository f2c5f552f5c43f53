package io.aiperf.engine.internal.metrics;

import io.aiperf.api.MetricResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The time-weighted metrics of the part of a long run whose curves were summed and forgotten
 * ({@link RequestSpans} past its budget): for each metric, the values its step function held and
 * for how long ({@link WeightedValues}), over the whole run and over each time slice, the slices
 * on the grid of the slice duration from the earliest request start. A window that starts at or
 * before that start (the run's) or on that grid (a slice's) is answered from those sums plus the
 * steps after them; mean, min, max and deviation are the exact ones to rounding, the percentiles
 * within {@link WeightedValues#relativeError()}.
 */
final class FoldedSweeps {
  private static final List<SweepMetrics.Spec> SPECS = SweepMetrics.SPECS;
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FoldedSweeps.class);

  private final long sliceNanos;
  /** The earliest time summed (the earliest request start); the curves are 0 before it. */
  private final double first;
  /** Everything before it is summed. */
  private double until;
  private final WeightedValues[] whole = fresh();
  private final Map<Integer, WeightedValues[]> slices = new HashMap<>();
  private int unanswered;

  /**
   * Starts empty.
   *
   * @param sliceNanos the time slices' length, 0 for none
   * @param first the earliest time there is, the slices' grid origin, in the curves' time
   */
  FoldedSweeps(long sliceNanos, double first) {
    this.sliceNanos = sliceNanos;
    this.first = first;
    this.until = first;
  }

  private static WeightedValues[] fresh() {
    WeightedValues[] a = new WeightedValues[SPECS.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = new WeightedValues();
    }
    return a;
  }

  /**
   * Adds the curves between two times, the first being where the last call stopped.
   *
   * @param region the curves, right from {@code from} on (later steps may be missing)
   * @param from where the last call stopped, or {@link #first}
   * @param to where this one stops
   */
  void fold(SweepMetrics.Curves region, double from, double to) {
    if (!(to > from)) {
      return;
    }
    for (int i = 0; i < SPECS.size(); i++) {
      SweepMetrics.Spec s = SPECS.get(i);
      add(s, region, from, to, whole[i]);
      if (sliceNanos > 0) {
        for (long k = slice(from); edge(k) < to; k++) {
          WeightedValues[] acc = slices.computeIfAbsent((int) k, x -> fresh());
          add(s, region, Math.max(from, edge(k)), Math.min(to, edge(k + 1)), acc[i]);
        }
      }
    }
    until = to;
  }

  /** The segments of one metric's curve over a window, into an accumulator. */
  private static void add(SweepMetrics.Spec s, SweepMetrics.Curves c, double from, double to,
      WeightedValues out) {
    var mask = s.mask();
    SweepLine.Curve curve = s.curve().apply(c);
    if (mask != null) {
      SweepLine.activeSegments(curve, mask.apply(c), from, to, out);
    } else if (curve.size() == 0) {
      out.add(0, to - from); // no step yet: 0 all along
    } else {
      SweepLine.segments(curve, from, to, out);
    }
  }

  private double edge(long k) {
    return first + (double) (k * sliceNanos);
  }

  private long slice(double t) {
    long k = (long) Math.floor((t - first) / sliceNanos);
    while (k > 0 && edge(k) > t) {
      k--;
    }
    while (edge(k + 1) <= t) {
      k++;
    }
    return k;
  }

  /**
   * The time-weighted metrics over a window: the run's (from at or before the earliest start)
   * or a slice's (from on the grid), from the sums and the curves kept after them.
   *
   * @param tail the curves kept, right from {@link #until} on
   * @param from the window's start
   * @param to its end, at or after what was summed unless it is a slice's end
   * @return the metrics in AIPerf's order; none for a window that is neither
   */
  List<MetricResult> over(SweepMetrics.Curves tail, double from, double to) {
    if (from >= until) {
      return SweepMetrics.over(tail, from, to);
    }
    WeightedValues[] base = null;
    long k = sliceNanos > 0 && from >= first ? slice(from) : -1;
    if (k >= 0 && edge(k) == from && to <= edge(k + 1) && (to >= until || to == edge(k + 1))) {
      base = slices.getOrDefault((int) k, fresh());
    } else if (from <= first && to >= until) {
      base = whole;
    }
    if (base == null) {
      if (unanswered++ == 0) {
        log.warn("The time-weighted curves before {} s were summed as the run went: a window"
            + " from {} to {} s is neither the run's nor a time slice's, and has no time-weighted"
            + " metrics", until / 1e9, from / 1e9, to / 1e9);
      }
      return List.of();
    }
    List<MetricResult> out = new ArrayList<>(SPECS.size());
    for (int i = 0; i < SPECS.size(); i++) {
      SweepMetrics.Spec s = SPECS.get(i);
      WeightedValues acc = base[i].copy();
      if (s.mask() == null && from < first) {
        acc.add(0, first - from);
      }
      if (to > until) {
        add(s, tail, Math.max(from, until), to, acc);
      }
      out.add(SweepMetrics.result(s, acc.stats()));
    }
    return out;
  }

  /**
   * Returns until when the curves were summed.
   *
   * @return in the curves' time
   */
  double until() {
    return until;
  }

  /**
   * Returns the largest relative error of a percentile in any of the sums.
   *
   * @return e.g. 4.9e-4
   */
  double relativeError() {
    double e = 0;
    for (WeightedValues v : whole) {
      e = Math.max(e, v.relativeError());
    }
    for (WeightedValues[] a : slices.values()) {
      for (WeightedValues v : a) {
        e = Math.max(e, v.relativeError());
      }
    }
    return e;
  }

  /**
   * Returns how many windows were asked for that were neither the run's nor on the grid.
   *
   * @return the count; their metrics were left out
   */
  int unanswered() {
    return unanswered;
  }

  /**
   * Returns how many slices have sums.
   *
   * @return the count
   */
  int slices() {
    return slices.size();
  }
}
