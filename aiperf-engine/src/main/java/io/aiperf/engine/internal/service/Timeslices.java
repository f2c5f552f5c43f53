package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.MetricProvider.DerivedMetric;
import io.aiperf.engine.internal.export.TimesliceWriter;
import io.aiperf.engine.internal.metrics.RecordValues;
import io.aiperf.engine.internal.metrics.SliceAggregator;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profiling phase cut into slices of {@code --slice-duration} on AIPerf 0.13's grid
 * (metrics/accumulator.py::_compute_timeslices): from the earliest request start, in steps of the
 * slice duration, up to the latest request end; every request, failed ones too, in the slice of
 * its start; the last slice clipped to the latest end and flagged incomplete; empty slices left
 * out. A slice's statistics come from interval histograms ({@link SliceAggregator}), so memory
 * does not grow with the request count. Owned by the records manager's thread. At the end, each
 * slice also gets the run's derived metrics (throughputs, totals, error rate, ...), the same
 * {@link DerivedMetric}s fed the slice's totals ({@link SliceTotals}), as AIPerf derives them per
 * slice.
 *
 * <p>The grid's origin, the earliest start, is only known at the end, while records are
 * aggregated as they arrive. They are binned on the phase start's grid instead: the same grid
 * shifted by d = earliest start − phase start, and d is at most dmax = earliest start seen so far
 * − phase start. A record whose start is at least dmax past a boundary of that grid, and not
 * right before the next, is in the same slice on both (with a microsecond to spare for AIPerf's
 * float64 arithmetic). The few others (dmax is a few milliseconds, and shrinks as records come)
 * are held as they are and binned when the origin is known. Should more than
 * {@link #HELD_LIMIT} be held (a first request long after the phase start), the grid is fixed at
 * the earliest start seen by then, and a record that started even earlier joins the first slice.
 */
final class Timeslices {
  private static final Logger log = LoggerFactory.getLogger(Timeslices.class);
  /** AIPerf holds wall-clock nanoseconds in float64, to 256 ns: a microsecond covers that. */
  private static final long MARGIN_NANOS = 1_000;
  /** Records held for the grid's origin before it is fixed where it then is. */
  static final int HELD_LIMIT = 10_000;
  /**
   * Derived metrics of the load generator's schedule over the whole run (aiperf-java's, AIPerf
   * has neither), left out of slices.
   */
  private static final Set<String> RUN_SCOPED = Set.of("requested_request_rate",
      "achieved_request_rate");

  private final BenchmarkConfig config;
  private final long sliceNanos;
  private final List<MetricInfo> infos;
  private final List<DerivedMetric> derived;
  /** Whether a successful request met every goodput SLO; null without SLOs. */
  private final @Nullable Predicate<RecordValues> good;
  /** By slice index (on the origin's grid); the ones with an index never had a request. */
  private final Map<Integer, Slice> slices = new HashMap<>();
  /** Records that overtook the phase-start event (they travel different paths). */
  private final List<ProcessedRecord> early = new ArrayList<>();
  /** Records too near a slice boundary to bin before the grid's origin is known. */
  private final List<ProcessedRecord> held = new ArrayList<>();
  /** Slices not yet compacted; records arrive roughly in start order, so only the last few. */
  private final Map<Integer, SliceAggregator> filling = new HashMap<>();
  private int newest = -1;
  /** The phase start, or the fixed grid's origin; MIN_VALUE until known. */
  private long origin = Long.MIN_VALUE;
  private boolean fixed;
  private long minStart = Long.MAX_VALUE;
  private long maxStart = Long.MIN_VALUE;
  private long maxEnd = Long.MIN_VALUE;

  /**
   * Creates the slices of a run.
   *
   * @param config the run's configuration
   * @param sliceNanos the slice duration
   * @param infos the record metrics, in id order
   * @param derived the run's derived metrics, computed per slice too
   * @param good whether a successful request met every goodput SLO; null without SLOs
   */
  Timeslices(BenchmarkConfig config, long sliceNanos, List<MetricInfo> infos,
      List<DerivedMetric> derived, @Nullable Predicate<RecordValues> good) {
    this.config = config;
    this.sliceNanos = sliceNanos;
    this.infos = infos;
    this.derived = derived.stream().filter(d -> !RUN_SCOPED.contains(d.info().tag())).toList();
    this.good = good;
  }

  /** One slice's record metrics and the counts its derived metrics need. */
  private static final class Slice {
    final SliceAggregator metrics;
    long cancelled;
    long good;
    /** The first start and last end of its successful requests (AIPerf's min/max timestamps). */
    long firstStart = Long.MAX_VALUE;
    long lastEnd = Long.MIN_VALUE;

    Slice(SliceAggregator metrics) {
      this.metrics = metrics;
    }
  }

  /**
   * Adds a profiling request, successful or not, to the slice of its start; held until the phase
   * start is known.
   *
   * @param r the record
   * @param phaseStart when the profiling phase began, MIN_VALUE while not known
   */
  void add(ProcessedRecord r, long phaseStart) {
    if (origin == Long.MIN_VALUE) {
      if (phaseStart == Long.MIN_VALUE) {
        early.add(r);
        return;
      }
      start(phaseStart);
    }
    place(r);
  }

  private void start(long phaseStart) {
    origin = phaseStart;
    List<ProcessedRecord> waiting = List.copyOf(early);
    early.clear();
    waiting.forEach(this::place);
  }

  private void place(ProcessedRecord r) {
    long start = r.startNanos();
    if (r.endNanos() > 0) {
      maxEnd = Math.max(maxEnd, r.endNanos());
    }
    if (start <= 0) {
      return; // never started: AIPerf's grid and slices leave it out as well
    }
    maxStart = Math.max(maxStart, start);
    boolean earliest = !fixed && start < minStart;
    if (earliest) {
      minStart = start;
    }
    if (safe(start)) {
      aggregate(r, (int) ((start - origin) / sliceNanos));
    } else {
      held.add(r);
    }
    if (earliest) {
      release(); // dmax shrank
    }
    if (held.size() > HELD_LIMIT && !fixed) {
      log.debug("{} records held for the timeslice grid: fixed at the earliest start seen",
          held.size());
      fixed = true;
      origin = Math.max(origin, minStart);
      release();
    }
  }

  /** Whether a start is in the same slice on the phase start's grid and on the final one. */
  private boolean safe(long start) {
    if (start < origin) {
      return false;
    }
    long dmax = fixed ? 0 : Math.max(0, minStart - origin);
    long offset = (start - origin) % sliceNanos;
    return offset >= dmax + MARGIN_NANOS && offset <= sliceNanos - MARGIN_NANOS;
  }

  private void release() {
    for (Iterator<ProcessedRecord> it = held.iterator(); it.hasNext(); ) {
      ProcessedRecord r = it.next();
      if (safe(r.startNanos())) {
        it.remove();
        aggregate(r, (int) ((r.startNanos() - origin) / sliceNanos));
      }
    }
  }

  private void aggregate(ProcessedRecord r, int slice) {
    Slice s = slices.get(slice);
    if (s == null) {
      s = new Slice(new SliceAggregator(infos));
      slices.put(slice, s);
      filling.put(slice, s.metrics);
    }
    if (r.success()) {
      s.metrics.add(r.values());
      s.firstStart = Math.min(s.firstStart, r.startNanos());
      s.lastEnd = Math.max(s.lastEnd, r.endNanos());
      if (good != null && good.test(r.values())) {
        s.good++;
      }
    } else {
      s.metrics.addFailed(r.values());
      if (RecordsManager.CANCELLED.equals(r.errorType())) {
        s.cancelled++;
      }
    }
    if (slice > newest) {
      newest = slice;
      // Two slices back, only requests longer than a slice can still land: pack it.
      filling.entrySet().removeIf(e -> {
        if (e.getKey() < newest - 1) {
          e.getValue().compact();
          return true;
        }
        return false;
      });
    }
  }

  /**
   * Writes each slice's record metrics and derived metrics, when there is an artifact directory.
   *
   * @param phaseStart when the profiling phase began, MIN_VALUE if never known
   * @param toWallNanos converts a monotonic timestamp to wall-clock nanoseconds
   * @param result the run's result, for the input configuration the file repeats
   * @param timeWeighted AIPerf's time-weighted metrics over a slice's window (monotonic bounds)
   */
  void write(long phaseStart, LongUnaryOperator toWallNanos, BenchmarkResult result,
      WindowMetrics timeWeighted) {
    if (origin == Long.MIN_VALUE) {
      long first = early.stream().mapToLong(ProcessedRecord::startNanos).filter(s -> s > 0)
          .min().orElse(Long.MIN_VALUE);
      long known = phaseStart != Long.MIN_VALUE ? phaseStart : first;
      if (known == Long.MIN_VALUE) {
        return; // no request ever started
      }
      start(known);
    }
    if (config.artifactDir().isEmpty() || minStart == Long.MAX_VALUE) {
      return;
    }
    Grid grid = new Grid((double) toWallNanos.applyAsLong(fixed ? origin
        : Math.max(origin, minStart)), Math.max((double) toWallNanos.applyAsLong(maxStart),
        maxEnd == Long.MIN_VALUE ? Double.NEGATIVE_INFINITY
            : (double) toWallNanos.applyAsLong(maxEnd)), sliceNanos);
    for (ProcessedRecord r : held) {
      aggregate(r, grid.slice((double) toWallNanos.applyAsLong(r.startNanos())));
    }
    held.clear();
    List<TimesliceWriter.Slice> out = new ArrayList<>();
    long monoOrigin = fixed ? origin : Math.max(origin, minStart);
    long monoEnd = maxEnd == Long.MIN_VALUE ? maxStart : Math.max(maxStart, maxEnd);
    for (var e : new TreeMap<>(slices).entrySet()) {
      int index = e.getKey();
      long start = grid.startNanos(index);
      long end = grid.endNanos(index);
      Slice slice = e.getValue();
      List<MetricResult> metrics = new ArrayList<>(slice.metrics.results());
      metrics.addAll(derived(slice, end - start));
      // AIPerf windows the run's curves by the slice, its last one clipped to the run's end.
      long from = monoOrigin + index * sliceNanos;
      metrics.addAll(timeWeighted.over(from,
          grid.complete(index) ? from + sliceNanos : monoEnd));
      out.add(new TimesliceWriter.Slice(start, end, grid.complete(index), metrics));
    }
    try {
      TimesliceWriter.write(config, out, TimesliceWriter.summaryInputConfig(result));
    } catch (IOException e) {
      log.error("Writing the timeslice files failed: {}", e.getMessage());
    }
  }

  /** Metrics over a window of the run, for each slice's. */
  @FunctionalInterface
  interface WindowMetrics {
    /**
     * The metrics over a window.
     *
     * @param fromNanos its start, monotonic nanoseconds
     * @param toNanos its end
     * @return the metrics
     */
    List<MetricResult> over(long fromNanos, long toNanos);
  }

  /**
   * The derived metrics over one slice, in display order.
   *
   * @param slice the slice
   * @param windowNanos its window (grid length, or clipped to the run's end)
   */
  private List<MetricResult> derived(Slice slice, long windowNanos) {
    SliceAggregator m = slice.metrics;
    boolean succeeded = m.records() > 0;
    SliceTotals totals = new SliceTotals(m.records(), m.failures(), slice.cancelled,
        succeeded ? Math.max(0, slice.lastEnd - slice.firstStart) : 0, windowNanos,
        good == null ? -1 : slice.good, m);
    List<MetricResult> out = new ArrayList<>();
    for (DerivedMetric d : derived) {
      MetricInfo info = d.info();
      if (!succeeded && info.tag().equals("benchmark_duration")) {
        continue; // AIPerf: no min/max timestamps without a successful request, no duration
      }
      d.compute(totals).ifPresent(v -> out.add(MetricResult.scalar(new MetricTag(info.tag()),
          info.header(), info.unit(), v * info.displayScale())));
    }
    return out;
  }

  /**
   * AIPerf's slice grid in its float64 arithmetic: edges {@code min_ts + k * slice}, a start in the
   * slice whose edges hold it ({@code np.digitize}), bounds truncated to integers.
   *
   * @param minTs the earliest start, wall-clock nanoseconds as a double
   * @param maxTs the latest start or end, likewise
   * @param sliceNanos the slice duration
   */
  record Grid(double minTs, double maxTs, long sliceNanos) {
    /** How many slices the grid has (AIPerf's {@code n_slices}). */
    int size() {
      return (int) ((maxTs - minTs) / sliceNanos) + 1;
    }

    double edge(int k) {
      return minTs + (double) (k * sliceNanos);
    }

    /** The slice of a start: the last edge at or before it, within the grid. */
    int slice(double start) {
      int k = (int) Math.max(0, Math.min(size() - 1, Math.floor((start - minTs) / sliceNanos)));
      while (k > 0 && edge(k) > start) {
        k--;
      }
      while (k < size() - 1 && edge(k + 1) <= start) {
        k++;
      }
      return k;
    }

    long startNanos(int k) {
      return (long) edge(k);
    }

    /** The slice's end, the last one's clipped to the run's end. */
    long endNanos(int k) {
      return complete(k) ? (long) edge(k + 1) : (long) maxTs;
    }

    boolean complete(int k) {
      return edge(k + 1) <= maxTs;
    }
  }
}
