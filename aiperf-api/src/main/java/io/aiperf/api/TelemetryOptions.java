package io.aiperf.api;

import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The server-metrics and GPU-telemetry group of {@link Benchmark.Builder}: which Prometheus
 * endpoints are scraped during the run and which files they go to. Mutable while a builder holds
 * it; {@link BenchmarkConfig} keeps its own copy.
 */
final class TelemetryOptions {
  boolean serverMetrics;
  List<URI> serverMetricsUrls = List.of();
  Set<ServerMetricsFormat> serverMetricsFormats =
      EnumSet.of(ServerMetricsFormat.JSON, ServerMetricsFormat.CSV);
  boolean gpuTelemetry;
  List<URI> gpuTelemetryUrls = List.of();

  TelemetryOptions() {}

  TelemetryOptions(TelemetryOptions o) {
    serverMetrics = o.serverMetrics;
    serverMetricsUrls = o.serverMetricsUrls;
    serverMetricsFormats = EnumSet.copyOf(o.serverMetricsFormats);
    gpuTelemetry = o.gpuTelemetry;
    gpuTelemetryUrls = o.gpuTelemetryUrls;
  }

  void check(List<String> problems) {
    urls("serverMetrics", serverMetricsUrls, problems);
    urls("gpuTelemetry", gpuTelemetryUrls, problems);
    if (serverMetrics && serverMetricsFormats.isEmpty()) {
      problems.add("serverMetricsFormats was '[]' but it must name at least one of "
          + List.of(ServerMetricsFormat.values()));
    }
  }

  private static void urls(String field, List<URI> urls, List<String> problems) {
    for (URI u : urls) {
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
        problems.add(field + " URL was '" + u + "' but it must be an http:// or https:// URL"
            + " with a host, e.g. http://node1:9400/metrics");
      }
    }
  }
}
