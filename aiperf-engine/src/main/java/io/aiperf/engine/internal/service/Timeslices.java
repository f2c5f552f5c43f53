package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.engine.internal.export.TimesliceWriter;
import io.aiperf.engine.internal.metrics.SliceAggregator;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profiling phase cut into slices of {@code --slice-duration}: each successful request lands
 * in the slice of its start, whose statistics come from interval histograms
 * ({@link SliceAggregator}), and the slices are written at the end. Owned by the records
 * manager's thread.
 */
final class Timeslices {
  private static final Logger log = LoggerFactory.getLogger(Timeslices.class);

  private final BenchmarkConfig config;
  private final long sliceNanos;
  private final List<MetricInfo> infos;
  private final Map<Integer, SliceAggregator> slices = new HashMap<>();
  /** Records that overtook the phase-start event (they travel different paths). */
  private final List<ProcessedRecord> early = new ArrayList<>();
  /** Slices not yet compacted; records arrive roughly in start order, so only the last few. */
  private final Map<Integer, SliceAggregator> filling = new HashMap<>();
  private int newest = -1;

  Timeslices(BenchmarkConfig config, long sliceNanos, List<MetricInfo> infos) {
    this.config = config;
    this.sliceNanos = sliceNanos;
    this.infos = infos;
  }

  /**
   * Adds a successful request to the slice of its start; held until the phase start is known.
   *
   * @param r the record
   * @param start when the profiling phase began, MIN_VALUE while not known
   */
  void add(ProcessedRecord r, long start) {
    if (start == Long.MIN_VALUE) {
      early.add(r);
      return;
    }
    if (!early.isEmpty()) {
      List<ProcessedRecord> held = List.copyOf(early);
      early.clear();
      held.forEach(h -> add(h, start));
    }
    int slice = (int) Math.max(0, (r.startNanos() - start) / sliceNanos);
    SliceAggregator aggregator = slices.get(slice);
    if (aggregator == null) {
      aggregator = new SliceAggregator(infos);
      slices.put(slice, aggregator);
      filling.put(slice, aggregator);
    }
    aggregator.add(r.values());
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
   * Writes each slice's record metrics plus its request count and throughput, when there is an
   * artifact directory.
   *
   * @param start when the profiling phase began
   * @param toWallNanos converts a monotonic timestamp to wall-clock nanoseconds
   */
  void write(long start, LongUnaryOperator toWallNanos) {
    if (!early.isEmpty() && start != Long.MIN_VALUE) {
      List<ProcessedRecord> held = List.copyOf(early);
      early.clear();
      held.forEach(h -> add(h, start));
    }
    if (slices.isEmpty() || config.artifactDir().isEmpty()) {
      return;
    }
    List<TimesliceWriter.Slice> out = new ArrayList<>();
    for (var e : new TreeMap<>(slices).entrySet()) {
      long sliceStart = start + e.getKey() * sliceNanos;
      List<MetricResult> metrics = new ArrayList<>(e.getValue().results());
      long count = e.getValue().records();
      metrics.add(MetricResult.scalar(new MetricTag("request_count"), "Request Count",
          "requests", count));
      metrics.add(MetricResult.scalar(new MetricTag("request_throughput"), "Request Throughput",
          "requests/sec", count / (sliceNanos / 1e9)));
      out.add(new TimesliceWriter.Slice(e.getKey(), toWallNanos.applyAsLong(sliceStart),
          toWallNanos.applyAsLong(sliceStart + sliceNanos), metrics));
    }
    try {
      TimesliceWriter.write(config, out);
    } catch (IOException e) {
      log.error("Writing the timeslice files failed: {}", e.getMessage());
    }
  }
}
