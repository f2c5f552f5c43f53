package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import io.aiperf.api.ServerMetricsFormat;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * AIPerf's Server Metrics group. As AIPerf: on by default, scraping each {@code --url}'s own
 * {@code /metrics}; {@code --server-metrics} adds endpoints ({@code node1:8081},
 * {@code http://node2:9090/metrics}), {@code --no-server-metrics} turns it off.
 */
final class ServerMetricsOptions {
  @Option(names = "--server-metrics", arity = "0..*", paramLabel = "URL",
      description = "Server metrics are collected by default from each --url's /metrics; these"
          + " Prometheus endpoints are scraped too (e.g. node1:8081 http://node2:9090/metrics).")
  @Nullable List<String> urls;

  @Option(names = "--no-server-metrics", description = "Do not scrape server metrics.")
  boolean off;

  @Option(names = "--server-metrics-formats", arity = "1..*", paramLabel = "FORMAT",
      description = "Server metrics export files: json, csv, jsonl (default json csv).")
  @Nullable List<String> formats;

  private final List<URI> parsed = new ArrayList<>();
  private final List<ServerMetricsFormat> parsedFormats = new ArrayList<>();

  void validate(List<String> problems) {
    if (off && urls != null) {
      problems.add("--no-server-metrics and --server-metrics were both given but only one of"
          + " them can be");
    }
    if (urls != null) {
      for (String u : urls) {
        URI uri = TelemetryUrls.parse(u);
        if (uri == null) {
          problems.add("--server-metrics was '" + u + "' but it must be a Prometheus endpoint"
              + " such as node1:8081 or http://node1:8081/metrics");
        } else {
          parsed.add(uri);
        }
      }
    }
    if (formats != null) {
      for (String f : formats) {
        String name = f.trim().toUpperCase(Locale.ROOT);
        if (name.equals("PARQUET")) {
          problems.add("--server-metrics-formats was 'parquet' but aiperf-java does not write"
              + " Parquet; choose json, csv or jsonl");
          continue;
        }
        try {
          parsedFormats.add(ServerMetricsFormat.valueOf(name));
        } catch (IllegalArgumentException e) {
          problems.add("--server-metrics-formats was '" + f + "' but it must be json, csv or"
              + " jsonl");
        }
      }
    }
  }

  void configure(Benchmark.Builder b) {
    if (off) {
      b.noServerMetrics();
      return;
    }
    b.serverMetrics(parsed.toArray(URI[]::new));
    if (!parsedFormats.isEmpty()) {
      b.serverMetricsFormats(parsedFormats.toArray(ServerMetricsFormat[]::new));
    }
  }
}
