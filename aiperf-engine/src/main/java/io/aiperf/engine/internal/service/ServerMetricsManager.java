package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.ServerMetrics;
import io.aiperf.api.ServerMetricsFormat;
import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.export.ServerMetricsFiles;
import io.aiperf.engine.internal.export.ServerMetricsJsonl;
import io.aiperf.engine.internal.prometheus.Exposition;
import io.aiperf.engine.internal.prometheus.MetricType;
import io.aiperf.engine.internal.prometheus.Scraper;
import io.aiperf.engine.internal.servermetrics.EndpointData;
import io.aiperf.engine.internal.servermetrics.Point;
import io.aiperf.engine.internal.servermetrics.SeriesData;
import io.aiperf.engine.internal.servermetrics.ServerMetricsSummaries;
import io.aiperf.engine.internal.servermetrics.Snapshot;
import io.aiperf.engine.internal.servermetrics.WindowStats;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AIPerf's ServerMetricsManager: scrapes the inference server's Prometheus endpoints (each
 * endpoint URL's own {@code /metrics}, derived as AIPerf derives it, plus those the user named)
 * and summarizes them over the profiling window, warmup apart. Writes
 * {@code server_metrics_export.jsonl} as pages come, and {@code .json} and {@code .csv} at the
 * end, in AIPerf's layouts.
 */
final class ServerMetricsManager extends ScrapingService {
  private static final Logger log = LoggerFactory.getLogger(ServerMetricsManager.class);

  private final Map<Target, EndpointData> data = new LinkedHashMap<>();
  private @Nullable ServerMetricsJsonl jsonl;

  ServerMetricsManager(String id, MessageBus bus, BenchmarkConfig config, NanoClock clock) {
    super(id, bus, config, clock, "aiperf-server-metrics");
    Set<URI> urls = new LinkedHashSet<>();
    for (String url : config.endpoint().urls()) {
      urls.add(metricsUrl(url));
    }
    for (URI extra : config.serverMetricsUrls()) {
      urls.add(metricsUrl(extra.toString()));
    }
    // Every one is worth a warning when it cannot be scraped, the server's own included.
    urls.forEach(u -> targets.add(new Target(u, true)));
  }

  @Override
  String what() {
    return "Server metrics";
  }

  @Override
  boolean settles() {
    return true;
  }

  @Override
  void onInitialize() throws Exception {
    super.onInitialize();
    if (config.artifactDir().isPresent()
        && config.serverMetricsFormats().contains(ServerMetricsFormat.JSONL)) {
      jsonl = new ServerMetricsJsonl(config.artifactDir().get(),
          ServerMetricsFiles.fileName(config, ServerMetricsFiles.JSONL_FILE));
    }
    log.info("Server metrics: scraping {} every {} ms", targets.stream().map(t -> t.url)
        .toList(), INTERVAL.toMillis());
  }

  @Override
  void record(Target t, Scraper.Result r, long madeNanos, Messages.@Nullable Phase phase) {
    Exposition page = Objects.requireNonNull(r.page(), "a page came");
    Snapshot snapshot = Snapshot.of(page);
    boolean changed = data.computeIfAbsent(t, k -> new EndpointData(t.url.toString()))
        .add(madeNanos, r.doneNanos() - r.sentNanos(), String.valueOf(r.body()), snapshot,
            page.skippedLines());
    if (page.skippedLines() > 0 && !t.warned) {
      t.warned = true;
      log.warn("Server metrics: {} served {} malformed line(s), skipped and counted; first: {}",
          t.url, page.skippedLines(), page.problems().get(0));
    }
    ServerMetricsJsonl file = jsonl;
    if (file != null && changed) {
      file.write(t.url.toString(), toWall(madeNanos), r.doneNanos() - r.sentNanos(),
          toWall(r.sentNanos()), snapshot, phase == null ? null
              : phase.name().toLowerCase(Locale.ROOT));
      file.flush();
    }
  }

  /** The sum of the counters and histogram counts: still when the server has counted it all. */
  @Override
  long settleSignature(Target t) {
    EndpointData d = data.get(t);
    if (d == null) {
      return 0;
    }
    double sum = 0;
    for (Map.Entry<String, EndpointData.Family> f : d.families().entrySet()) {
      String name = f.getKey();
      MetricType type = f.getValue().type();
      if (name.startsWith("process_") || name.startsWith("python_") || name.startsWith("go_")
          || (type != MetricType.COUNTER && type != MetricType.HISTOGRAM)) {
        continue;
      }
      for (SeriesData s : f.getValue().series().values()) {
        Point p = s.point(s.size() - 1);
        sum += p instanceof Point.Scalar v ? v.value()
            : p instanceof Point.Histogram h ? h.count() : 0;
      }
    }
    return Double.doubleToLongBits(sum);
  }

  @Override
  BusMessage summarize() {
    List<String> problems = new ArrayList<>();
    for (Target t : targets) {
      if (t.status == Status.DOWN) {
        problems.add(t.url + " could not be scraped: " + t.problem);
      } else if (t.failures > 0) {
        problems.add(t.failures + " scrape(s) of " + t.url + " failed, the last: " + t.problem);
      }
    }
    List<EndpointData> reachable = new ArrayList<>();
    targets.stream().filter(t -> t.status == Status.UP && data.containsKey(t))
        .forEach(t -> reachable.add(data.get(t)));
    long start = profilingStart != Long.MIN_VALUE ? profilingStart : loadEnd;
    WindowStats.Window profiling = new WindowStats.Window(start, loadEnd, finalEnd);
    var metrics = profilingStart == Long.MIN_VALUE ? List.<io.aiperf.api.ServerMetric>of()
        : ServerMetricsSummaries.metrics(reachable, profiling, problems);
    var warmup = warmupStart == Long.MIN_VALUE || profilingStart == Long.MIN_VALUE
        ? List.<io.aiperf.api.ServerMetric>of()
        : ServerMetricsSummaries.metrics(reachable, new WindowStats.Window(warmupStart,
            profilingStart - 1, profilingStart - 1), new ArrayList<>());
    long scrapes = reachable.stream().mapToLong(EndpointData::fetches).sum();
    long skipped = reachable.stream().mapToLong(EndpointData::skippedLines).sum();
    if (skipped > 0) {
      problems.add(skipped + " malformed line(s) were skipped over " + scrapes + " scrapes");
    }
    ServerMetrics summary = new ServerMetrics(targets.stream().map(t -> t.url.toString())
        .toList(), reachable.stream().map(EndpointData::url).toList(),
        ServerMetricsFiles.instant(toWall(start)), ServerMetricsFiles.instant(toWall(finalEnd)),
        metrics, warmup, scrapes, skipped, problems);
    write(summary, reachable, start);
    return new Messages.ServerMetricsResults(summary);
  }

  private void write(ServerMetrics summary, List<EndpointData> reachable, long start) {
    ServerMetricsJsonl file = jsonl;
    if (file != null) {
      file.close();
    }
    Path dir = config.artifactDir().orElse(null);
    if (dir == null || reachable.isEmpty()) {
      return; // as AIPerf: no endpoint, no summary files
    }
    String benchmarkId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Map<String, Map<String, Object>> info = new LinkedHashMap<>();
    reachable.forEach(e -> info.put(e.url(), e.info(start, finalEnd, this::toWall)));
    Map<String, long[]> ranges = new LinkedHashMap<>();
    ranges.put("profiling", new long[] {toWall(start), toWall(finalEnd)});
    if (warmupStart != Long.MIN_VALUE && profilingStart != Long.MIN_VALUE) {
      ranges.put("warmup", new long[] {toWall(warmupStart), toWall(profilingStart - 1)});
    }
    try {
      if (config.serverMetricsFormats().contains(ServerMetricsFormat.JSON)) {
        ServerMetricsFiles.writeJson(dir, config, summary, info, ranges, benchmarkId);
      }
      if (config.serverMetricsFormats().contains(ServerMetricsFormat.CSV)) {
        ServerMetricsFiles.writeCsv(dir, config, summary, benchmarkId);
      }
    } catch (IOException e) {
      log.error("Server metrics: writing the export files failed: {}", e.getMessage());
    }
  }

  @Override
  void onStop() {
    super.onStop();
    ServerMetricsJsonl file = jsonl;
    if (file != null) {
      file.close();
    }
  }
}
