package io.aiperf.report.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.report.internal.Chart.Series;
import io.aiperf.report.internal.Chart.Style;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The charts of a sweep or of repeated runs, from their own files
 * ({@code profile_export_aiperf_sweep.json}, {@code profile_export_aiperf_aggregate.json}), not
 * from the runs': the Pareto front of throughput against latency, and latency against throughput
 * with each point's confidence interval as an error bar.
 */
final class SweepCharts {
  static final String SWEEP = "profile_export_aiperf_sweep.json";
  static final String AGGREGATE = "profile_export_aiperf_aggregate.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SweepCharts() {}

  /** One value across runs: its mean and confidence interval (both the mean with one run). */
  record Value(double mean, double lo, double hi) {
    static final Value NONE = new Value(Double.NaN, Double.NaN, Double.NaN);
  }

  /** One point of a sweep (or the one configuration of repeated runs). */
  record Point(String label, JsonNode metrics) {
    /**
     * A statistic of a metric: {@code <tag>_<stat>} with mean and interval when runs were
     * aggregated, else the one run's statistic under {@code <tag>}.
     */
    Value get(String tag, String stat) {
      JsonNode m = metrics.path(tag + "_" + stat);
      if (m.has("mean")) {
        return new Value(num(m.path("mean")), num(m.path("ci_low")), num(m.path("ci_high")));
      }
      JsonNode single = metrics.path(tag);
      JsonNode v = single.has(stat) ? single.path(stat) : "avg".equals(stat)
          ? single.path("mean") : single.path(stat);
      double x = num(v);
      return Double.isNaN(x) ? Value.NONE : new Value(x, x, x);
    }
  }

  /**
   * A directory's sweep or aggregate.
   *
   * @param name the directory's name
   * @param source the file read
   * @param points the points, in the file's order
   * @param confidenceLevel the intervals' level, NaN when unknown
   */
  record Sweep(String name, Path source, List<Point> points, double confidenceLevel) {}

  /** Whether the directory holds a run's own exports (then it is read as a run too). */
  static boolean isRun(Path dir) {
    return Files.exists(dir.resolve(RunReader.AGGREGATE)) || Files.exists(dir.resolve(
        RunReader.RECORDS));
  }

  /**
   * Finds the sweep or aggregate file a profile wrote into {@code dir} (or {@code dir} is the
   * folder holding it) and reads it; null when there is none. A file that cannot be read
   * becomes a note.
   */
  static @Nullable Sweep read(Path dir, List<String> notes) {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    String label = name == null ? dir.toString() : name.toString();
    for (Path f : List.of(dir.resolve("sweep_aggregate").resolve(SWEEP),
        dir.resolve("aggregate").resolve("sweep_aggregate").resolve(SWEEP), dir.resolve(SWEEP))) {
      if (Files.isRegularFile(f)) {
        return sweep(label, f, notes);
      }
    }
    for (Path f : List.of(dir.resolve("aggregate").resolve(AGGREGATE), dir.resolve(AGGREGATE))) {
      if (Files.isRegularFile(f)) {
        return aggregate(label, f, notes);
      }
    }
    return null;
  }

  private static @Nullable Sweep sweep(String name, Path file, List<String> notes) {
    JsonNode doc = parse(file, notes);
    if (doc == null) {
      return null;
    }
    List<Point> points = new ArrayList<>();
    for (JsonNode row : doc.path("per_combination_metrics")) {
      List<String> parts = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> it = row.path("parameters").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        parts.add(e.getKey() + " " + e.getValue().asText());
      }
      points.add(new Point(String.join(", ", parts), row.path("metrics")));
    }
    if (points.isEmpty()) {
      notes.add(file + " has no per_combination_metrics; no sweep charts");
      return null;
    }
    return new Sweep(name, file, points, num(doc.at("/metadata/confidence_level")));
  }

  private static @Nullable Sweep aggregate(String name, Path file, List<String> notes) {
    JsonNode doc = parse(file, notes);
    if (doc == null) {
      return null;
    }
    if (!doc.path("metrics").isObject() || doc.path("metrics").isEmpty()) {
      notes.add(file + " has no metrics; no aggregate charts");
      return null;
    }
    int runs = doc.at("/metadata/num_successful_runs").asInt(0);
    return new Sweep(name, file, List.of(new Point(name + " (" + runs + " runs)",
        doc.path("metrics"))), num(doc.at("/metadata/confidence_level")));
  }

  private static @Nullable JsonNode parse(Path file, List<String> notes) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException | RuntimeException e) {
      notes.add(file + " cannot be read (" + e.getMessage() + "); no sweep charts");
      return null;
    }
  }

  private static double num(JsonNode n) {
    return n.isNumber() ? n.asDouble() : Double.NaN;
  }

  /** The sweep's charts, those with nothing to draw left out. */
  static List<Chart> charts(Sweep s) {
    List<Chart> charts = new ArrayList<>();
    charts.add(pareto(s));
    charts.add(latencyVsThroughput(s));
    charts.removeIf(c -> !c.hasData());
    return charts;
  }

  /** TTFT p99 where it was measured (streaming), else request latency p99: as the sweep file. */
  private static String latencyTag(Sweep s) {
    return s.points().stream().anyMatch(p -> Double.isFinite(p.get("time_to_first_token", "p99")
        .mean())) ? "time_to_first_token" : "request_latency";
  }

  /**
   * Request throughput against p99 latency, the sweep file's own Pareto rule: a point is on the
   * front when no other has both a higher throughput and a lower latency.
   */
  private static Chart pareto(Sweep s) {
    String tag = latencyTag(s);
    List<Series> series = new ArrayList<>();
    List<double[]> xy = new ArrayList<>();
    for (int i = 0; i < s.points().size(); i++) {
      Point p = s.points().get(i);
      double x = p.get(tag, "p99").mean();
      double y = p.get("request_throughput", "avg").mean();
      series.add(Series.of(p.label(), new double[] {x}, new double[] {y}, Style.POINTS,
          Chart.color(i)));
      if (Double.isFinite(x) && Double.isFinite(y)) {
        xy.add(new double[] {x, y});
      }
    }
    xy.sort(Comparator.comparingDouble(p -> p[0]));
    List<double[]> front = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (double[] p : xy) {
      if (p[1] > best) {
        front.add(p);
        best = p[1];
      }
    }
    series.add(Series.of("Pareto front", front.stream().mapToDouble(p -> p[0]).toArray(),
        front.stream().mapToDouble(p -> p[1]).toArray(), Style.LINE, 0x444444));
    String what = "time_to_first_token".equals(tag) ? "Time to First Token" : "Request Latency";
    return new Chart("sweep_pareto_throughput_vs_latency", "Sweep: Pareto of Request Throughput"
        + " vs " + what + " p99", "From " + s.source().getFileName() + ": each point at its"
        + " mean over runs; the line joins the points no other beats on both (lower latency,"
        + " higher throughput).", what + ", p99 (ms)", "Request Throughput (requests/s)", null,
        series, "");
  }

  /** Average latencies against request throughput, each with its confidence interval. */
  private static Chart latencyVsThroughput(Sweep s) {
    List<Point> byX = new ArrayList<>(s.points());
    byX.sort(Comparator.comparingDouble(p -> p.get("request_throughput", "avg").mean()));
    double[] x = byX.stream().mapToDouble(p -> p.get("request_throughput", "avg").mean())
        .toArray();
    List<Series> series = new ArrayList<>();
    String[][] metrics = {{"time_to_first_token", "Time to first token, avg"},
        {"request_latency", "Request latency, avg"}, {"inter_token_latency",
        "Inter token latency, avg"}};
    for (int k = 0; k < metrics.length; k++) {
      String tag = metrics[k][0];
      double[] y = byX.stream().mapToDouble(p -> p.get(tag, "avg").mean()).toArray();
      double[] lo = byX.stream().mapToDouble(p -> p.get(tag, "avg").lo()).toArray();
      double[] hi = byX.stream().mapToDouble(p -> p.get(tag, "avg").hi()).toArray();
      series.add(new Series(metrics[k][1], x, y, lo, hi, Style.ERROR_BARS,
          Chart.color(k == 0 ? 0 : k == 1 ? 1 : 2), false));
    }
    series.removeIf(ser -> !ser.hasData());
    String level = Double.isFinite(s.confidenceLevel()) ? String.format(Locale.ROOT, "%.0f%%",
        s.confidenceLevel() * 100) : "the";
    return new Chart("sweep_latency_vs_throughput", "Sweep: Latency vs Throughput, with"
        + " Uncertainty", "From " + s.source().getFileName() + ": each point's mean over runs;"
        + " the bars are " + level + " confidence intervals of the latency (none with one run).",
        "Request Throughput, avg (requests/s)", "ms", null, series, "");
  }
}
