package io.aiperf.engine.internal.export;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.ServerMetric;
import io.aiperf.api.ServerMetricSeries;
import io.aiperf.api.ServerMetricType;
import io.aiperf.api.ServerMetrics;
import io.aiperf.engine.internal.service.EngineSupport;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code server_metrics_export.json} and {@code .csv} in AIPerf 0.13's layouts
 * ({@code ServerMetricsExportData}, schema 1.1; {@code ServerMetricsCsvExporter}). Summaries are
 * aiperf-java's own and are left out of these files, which AIPerf's loaders read with a closed
 * set of types. The CSV's label columns are sorted by name (AIPerf orders them by co-occurrence).
 */
public final class ServerMetricsFiles {
  /** AIPerf's JSON file name. */
  public static final String JSON_FILE = "server_metrics_export.json";
  /** AIPerf's CSV file name. */
  public static final String CSV_FILE = "server_metrics_export.csv";
  /** AIPerf's JSONL file name. */
  public static final String JSONL_FILE = "server_metrics_export.jsonl";
  static final String SCHEMA_VERSION = "1.1";
  private static final List<String> GAUGE_KEYS = List.of("avg", "min", "max", "std", "p1", "p5",
      "p10", "p25", "p50", "p75", "p90", "p95", "p99");
  private static final List<String> COUNTER_KEYS = List.of("total", "rate", "rate_avg",
      "rate_min", "rate_max", "rate_std");
  private static final List<String> HISTOGRAM_KEYS = List.of("count", "count_rate", "sum",
      "sum_rate", "avg", "p1_estimate", "p5_estimate", "p10_estimate", "p25_estimate",
      "p50_estimate", "p75_estimate", "p90_estimate", "p95_estimate", "p99_estimate");

  private ServerMetricsFiles() {}

  /**
   * A server-metrics file's name: AIPerf's default, or {@code <prefix>_server_metrics.<ext>}.
   *
   * @param config the run's configuration
   * @param defaultName AIPerf's default name
   * @return the name
   */
  public static String fileName(BenchmarkConfig config, String defaultName) {
    String ext = defaultName.substring(defaultName.lastIndexOf('.'));
    return config.exportPrefix().map(p -> p + "_server_metrics" + ext).orElse(defaultName);
  }

  /**
   * AIPerf's display form of an endpoint: host, port and path without {@code /metrics}.
   *
   * @param url the URL
   * @return e.g. {@code 127.0.0.1:8000}
   */
  public static String display(String url) {
    URI u = URI.create(url);
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    if (path.endsWith("/metrics")) {
      path = path.substring(0, path.length() - "/metrics".length());
    }
    return (u.getRawAuthority() == null ? "" : u.getRawAuthority()) + path;
  }

  /**
   * Writes {@code server_metrics_export.json}.
   *
   * @param dir the artifact directory
   * @param config the run's configuration
   * @param s the summary
   * @param endpointInfo per endpoint URL, AIPerf's {@code ServerMetricsEndpointInfo} fields
   * @param phaseRanges phase name to its wall-clock {start, end} in nanoseconds
   * @param benchmarkId the run's id
   * @return the file written
   * @throws IOException if it cannot be written
   */
  public static Path writeJson(Path dir, BenchmarkConfig config, ServerMetrics s,
      Map<String, Map<String, Object>> endpointInfo, Map<String, long[]> phaseRanges,
      String benchmarkId) throws IOException {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("endpoints_configured", s.endpointsConfigured());
    summary.put("endpoints_successful", s.endpointsReachable());
    summary.put("start_time", ExportSupport.isoLocal(s.start()));
    summary.put("end_time", ExportSupport.isoLocal(s.end()));
    if (!endpointInfo.isEmpty()) {
      summary.put("endpoint_info", new java.util.TreeMap<>(endpointInfo));
    }
    Map<String, Object> ranges = new LinkedHashMap<>();
    phaseRanges.forEach((phase, r) -> {
      if (r[0] < r[1]) {
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("start_ns", r[0]);
        range.put("end_ns", r[1]);
        ranges.put(phase, range);
      }
    });
    summary.put("phase_time_ranges", ranges);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema_version", SCHEMA_VERSION);
    doc.put("aiperf_version", JsonExporter.VERSION);
    doc.put("benchmark_id", benchmarkId);
    doc.put("summary", summary);
    doc.put("metrics_phase", "profiling");
    doc.put("metrics", metrics(s.metrics()));
    if (!s.warmupMetrics().isEmpty()) {
      doc.put("warmup_metrics", metrics(s.warmupMetrics()));
    }
    doc.put("input_config", JsonExporter.inputConfig(config, EngineSupport.seed(config)));
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName(config, JSON_FILE));
    Files.writeString(file, JsonWriter.write(doc), StandardCharsets.UTF_8);
    return file;
  }

  private static Map<String, Object> metrics(List<ServerMetric> metrics) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (ServerMetric m : metrics) {
      if (m.type() == ServerMetricType.SUMMARY) {
        continue;
      }
      Map<String, Object> block = new LinkedHashMap<>();
      block.put("type", m.type().name().toLowerCase(Locale.ROOT));
      block.put("description", m.description());
      if (!m.unit().isEmpty()) {
        block.put("unit", m.unit());
      }
      List<Object> series = new ArrayList<>();
      for (ServerMetricSeries s : m.series()) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("endpoint_url", s.endpoint());
        if (!s.labels().isEmpty()) {
          one.put("labels", s.labels());
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        s.stats().forEach((k, v) -> stats.put(k, m.type() == ServerMetricType.HISTOGRAM
            && k.equals("count") ? (Object) Math.round(v) : (Object) v));
        one.put("stats", stats);
        if (m.type() == ServerMetricType.HISTOGRAM) {
          one.put("buckets", new LinkedHashMap<String, Object>(s.buckets()));
        }
        series.add(one);
      }
      block.put("series", series);
      out.put(m.name(), block);
    }
    return out;
  }

  /**
   * Writes {@code server_metrics_export.csv}: a commented header, then one section per type
   * (gauge, counter, histogram, unknown) with that type's statistics as columns and a column per
   * label, then the {@code _info} metrics' labels as key-value rows.
   *
   * @param dir the artifact directory
   * @param config the run's configuration
   * @param s the summary
   * @param benchmarkId the run's id
   * @return the file written
   * @throws IOException if it cannot be written
   */
  public static Path writeCsv(Path dir, BenchmarkConfig config, ServerMetrics s,
      String benchmarkId) throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("# AIPerf Server Metrics Export (CSV)\n# aiperf_version: ")
        .append(JsonExporter.VERSION).append("\n# schema_version: 1.0\n# benchmark_id: ")
        .append(benchmarkId).append("\n# Note: Same benchmark_id and version appear in JSON and"
            + " Parquet exports\n#\n");
    boolean first = true;
    List<ServerMetric> info = new ArrayList<>();
    for (ServerMetricType type : List.of(ServerMetricType.GAUGE, ServerMetricType.COUNTER,
        ServerMetricType.HISTOGRAM, ServerMetricType.UNKNOWN)) {
      List<ServerMetric> section = new ArrayList<>();
      for (ServerMetric m : s.metrics()) {
        if (m.type() == type) {
          if (m.name().endsWith("_info") && type == ServerMetricType.GAUGE) {
            info.add(m);
          } else {
            section.add(m);
          }
        }
      }
      if (section.isEmpty()) {
        continue;
      }
      if (!first) {
        out.append("\r\n");
      }
      first = false;
      section(out, type, section);
    }
    if (!info.isEmpty()) {
      if (!first) {
        out.append("\r\n");
      }
      row(out, List.of("Endpoint", "Metric", "Key", "Value", "Description"));
      for (ServerMetric m : info) {
        for (ServerMetricSeries series : m.series()) {
          series.labels().forEach((k, v) -> row(out, List.of(display(series.endpoint()),
              m.name(), k, v, m.description())));
        }
      }
    }
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName(config, CSV_FILE));
    Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
    return file;
  }

  private static void section(StringBuilder out, ServerMetricType type,
      List<ServerMetric> metrics) {
    List<String> keys = switch (type) {
      case COUNTER -> COUNTER_KEYS;
      case HISTOGRAM -> HISTOGRAM_KEYS;
      default -> GAUGE_KEYS;
    };
    TreeSet<String> labels = new TreeSet<>();
    metrics.forEach(m -> m.series().forEach(s -> labels.addAll(s.labels().keySet())));
    List<String> header = new ArrayList<>(List.of("Endpoint", "Type", "Metric", "Unit"));
    header.addAll(keys);
    header.addAll(labels);
    header.add("Description");
    if (type == ServerMetricType.HISTOGRAM) {
      header.add("buckets");
    }
    row(out, header);
    for (ServerMetric m : metrics) {
      for (ServerMetricSeries s : m.series()) {
        List<String> cells = new ArrayList<>(List.of(display(s.endpoint()),
            type.name().toLowerCase(Locale.ROOT), m.name(), m.unit()));
        for (String k : keys) {
          Double v = s.stats().get(k);
          cells.add(v == null ? "" : type == ServerMetricType.HISTOGRAM && k.equals("count")
              ? Long.toString(Math.round(v)) : number(v));
        }
        labels.forEach(l -> cells.add(s.labels().getOrDefault(l, "")));
        cells.add(m.description());
        if (type == ServerMetricType.HISTOGRAM) {
          StringBuilder b = new StringBuilder();
          s.buckets().forEach((le, n) -> b.append(b.length() == 0 ? "" : ";").append(le)
              .append('=').append(n));
          cells.add(b.toString());
        }
        row(out, cells);
      }
    }
  }

  /** AIPerf's server-metrics CSV number: four decimals. */
  private static String number(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "";
  }

  /** One CSV row as Python's csv module writes it: quoted only when needed, CRLF. */
  private static void row(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(ExportSupport.csvCell(cells.get(i)));
    }
    out.append("\r\n");
  }

  /**
   * Wall-clock nanoseconds as an instant.
   *
   * @param wallNanos nanoseconds since the epoch
   * @return the instant
   */
  public static Instant instant(long wallNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(wallNanos, 1_000_000_000L),
        Math.floorMod(wallNanos, 1_000_000_000L));
  }
}
