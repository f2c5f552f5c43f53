package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.GpuMetrics;
import io.aiperf.api.GpuTelemetry;
import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.export.GpuTelemetryJsonl;
import io.aiperf.engine.internal.export.ServerMetricsFiles;
import io.aiperf.engine.internal.gputelemetry.GpuSummaries;
import io.aiperf.engine.internal.prometheus.Exposition;
import io.aiperf.engine.internal.prometheus.Scraper;
import io.aiperf.engine.internal.servermetrics.EndpointData;
import io.aiperf.engine.internal.servermetrics.Snapshot;
import io.aiperf.engine.internal.servermetrics.WindowStats;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AIPerf's GPUTelemetryManager: scrapes NVIDIA DCGM exporters (AIPerf's defaults,
 * {@code localhost:9400} and {@code :9401}, quietly skipped when nothing answers, plus those the
 * user named) and summarizes each GPU over the profiling window. Writes
 * {@code gpu_telemetry_export.jsonl} as pages come; the summary goes to
 * {@code profile_export_aiperf.json}'s {@code telemetry_data}, with the energy-efficiency
 * metrics the controller adds.
 */
final class GpuTelemetryManager extends ScrapingService {
  private static final Logger log = LoggerFactory.getLogger(GpuTelemetryManager.class);
  /** AIPerf's {@code DEFAULT_DCGM_ENDPOINTS}. */
  static final List<String> DEFAULTS = List.of("http://localhost:9400/metrics",
      "http://localhost:9401/metrics");

  private final Map<Target, EndpointData> data = new LinkedHashMap<>();
  private @Nullable GpuTelemetryJsonl jsonl;

  GpuTelemetryManager(String id, MessageBus bus, BenchmarkConfig config, NanoClock clock) {
    super(id, bus, config, clock, "aiperf-gpu-telemetry");
    Set<URI> explicit = new LinkedHashSet<>();
    for (URI u : config.gpuTelemetryUrls()) {
      explicit.add(metricsUrl(u.toString()));
    }
    for (String d : DEFAULTS) {
      URI u = URI.create(d);
      if (!explicit.contains(u)) {
        targets.add(new Target(u, false));
      }
    }
    explicit.forEach(u -> targets.add(new Target(u, true)));
  }

  @Override
  String what() {
    return "GPU telemetry";
  }

  @Override
  void onInitialize() throws Exception {
    super.onInitialize();
    if (config.artifactDir().isPresent()) {
      jsonl = new GpuTelemetryJsonl(config.artifactDir().get(), config);
    }
    log.debug("GPU telemetry: scraping {} every {} ms", targets.stream().map(t -> t.url)
        .toList(), INTERVAL.toMillis());
  }

  @Override
  void record(Target t, Scraper.Result r, long madeNanos, Messages.@Nullable Phase phase) {
    Exposition page = Objects.requireNonNull(r.page(), "a page came");
    Snapshot snapshot = Snapshot.of(page);
    boolean changed = data.computeIfAbsent(t, k -> new EndpointData(t.url.toString()))
        .add(madeNanos, r.doneNanos() - r.sentNanos(), String.valueOf(r.body()), snapshot,
            page.skippedLines());
    GpuTelemetryJsonl file = jsonl;
    if (file != null && changed) {
      for (var gpu : GpuSummaries.fields(snapshot)) {
        file.write(t.url.toString(), toWall(madeNanos), gpu.getKey(), gpu.getValue());
      }
    }
  }

  @Override
  BusMessage summarize() {
    GpuTelemetryJsonl file = jsonl;
    if (file != null) {
      file.close();
    }
    List<String> problems = new ArrayList<>();
    for (Target t : targets) {
      if (t.explicit && t.status == Status.DOWN) {
        problems.add(t.url + " could not be scraped: " + t.problem);
      } else if (t.failures > 0 && t.status == Status.UP) {
        problems.add(t.failures + " scrape(s) of " + t.url + " failed, the last: " + t.problem);
      }
    }
    long start = profilingStart != Long.MIN_VALUE ? profilingStart : loadEnd;
    WindowStats.Window window = new WindowStats.Window(start, loadEnd, finalEnd);
    List<GpuMetrics> gpus = new ArrayList<>();
    List<String> reachable = new ArrayList<>();
    for (Target t : targets) {
      EndpointData d = data.get(t);
      if (t.status == Status.UP && d != null) {
        reachable.add(d.url());
        if (profilingStart != Long.MIN_VALUE) {
          gpus.addAll(GpuSummaries.of(d, window));
        }
      }
    }
    // As AIPerf shows them: the endpoints the user named, and the defaults that answered.
    List<String> configured = targets.stream().filter(t -> t.explicit
        || t.status == Status.UP).map(t -> t.url.toString()).toList();
    return new Messages.GpuTelemetryResults(new GpuTelemetry(configured, reachable,
        ServerMetricsFiles.instant(toWall(start)), ServerMetricsFiles.instant(toWall(finalEnd)),
        gpus, List.of(), problems));
  }

  @Override
  void onStop() {
    super.onStop();
    GpuTelemetryJsonl file = jsonl;
    if (file != null) {
      file.close();
    }
  }
}
