package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.LiveMetrics;
import io.aiperf.api.MetricResult;
import io.aiperf.api.spi.MetricFlag;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.MetricProvider.DerivedMetric;
import io.aiperf.api.spi.RunTotals;
import io.aiperf.engine.internal.metrics.MetricsAggregator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the {@link LiveMetrics} of a run for its listener, on the records manager's thread at
 * its progress tick: the aggregator's histograms, the worker health reports and the error counts
 * it already keeps, nothing more.
 */
final class LiveView {
  private final BenchmarkConfig config;
  private final List<DerivedMetric> derived;
  /** Record and derived metrics by tag, for the console's choice of rows. */
  private final Map<String, MetricInfo> infos = new HashMap<>();

  LiveView(BenchmarkConfig config, List<MetricInfo> recordMetrics, List<DerivedMetric> derived) {
    this.config = config;
    this.derived = List.copyOf(derived);
    recordMetrics.forEach(i -> infos.putIfAbsent(i.tag(), i));
    derived.forEach(d -> infos.putIfAbsent(d.info().tag(), d.info()));
  }

  /** The run's counts so far, as the records manager holds them. */
  record Counts(long successes, long failures, long cancellations, long goodRequests,
      long sent, long windowNanos, long sendSpanNanos) {}

  LiveMetrics snapshot(LiveMetrics.Phase phase, long elapsedNanos, long warmupCompleted,
      MetricsAggregator aggregator, Counts counts, List<ErrorSummary> errors,
      Map<String, Messages.WorkerHealth> health, Map<String, String> lost) {
    // Before a profiling request ends, a derived count or rate would only show a zero.
    boolean ended = counts.successes() + counts.failures() + counts.cancellations() > 0;
    List<MetricResult> all = aggregator.live(ended ? derived : List.of(),
        totals(aggregator, counts));
    List<MetricResult> shown = new ArrayList<>();
    for (MetricResult m : all) {
      if (onConsole(m.tag().tag())) {
        shown.add(m);
      }
    }
    List<Messages.WorkerHealth> reports = new ArrayList<>(new TreeMap<>(health).values());
    List<LiveMetrics.WorkerStatus> workers = new ArrayList<>();
    for (Messages.WorkerHealth h : reports) {
      if (h.workerId().startsWith("record_processor")) {
        continue; // the heartbeat of a remote record processor: it sends no requests
      }
      workers.add(new LiveMetrics.WorkerStatus(h.workerId(), h.inFlight(), h.silent(),
          Duration.ofNanos(h.lagP99Nanos()), Duration.ofNanos(h.lagMaxNanos()),
          lost.containsKey(h.workerId())));
    }
    LinkedHashSet<String> warnings = new LinkedHashSet<>(Warnings.of(config, all));
    Warnings.loopLag(reports).ifPresent(warnings::add);
    new TreeMap<>(lost).forEach((service, why) -> warnings.add(service + " was lost: " + why));
    return new LiveMetrics(phase, Duration.ofNanos(Math.max(0, elapsedNanos)), warmupCompleted,
        shown, errors, workers, List.copyOf(warnings));
  }

  /** As the console table: no NO_CONSOLE or ERROR_ONLY rows, HTTP traces when asked for. */
  private boolean onConsole(String tag) {
    MetricInfo info = infos.get(tag);
    if (info == null) {
      return true;
    }
    if (info.has(MetricFlag.HTTP_TRACE) && config.showTraceTiming()) {
      return true;
    }
    return !info.has(MetricFlag.NO_CONSOLE) && !info.has(MetricFlag.ERROR_ONLY);
  }

  private RunTotals totals(MetricsAggregator aggregator, Counts c) {
    return new RunCounts(c.successes(), c.failures(), c.cancellations(), c.windowNanos(), c.sent(),
        c.sendSpanNanos(), config.requestRate(),
        config.goodput().isEmpty() ? -1 : c.goodRequests(), aggregator::approximateSum,
        tag -> -1);
  }
}
