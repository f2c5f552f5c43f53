package io.aiperf.engine.internal.export;

import io.aiperf.api.Estimate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * AIPerf 0.13's multi-run files: {@code profile_export_aiperf_aggregate.{json,csv}} (confidence
 * statistics across the runs of one configuration) and {@code profile_export_aiperf_sweep.{json,csv}}
 * (one row per swept point, best configurations, Pareto frontier), in AIPerf's layout and number
 * formats. The content is given as ordered maps and lists, built by the sweep orchestration.
 */
public final class AggregateFiles {
  /** AIPerf's aggregate-confidence schema version (its own, apart from the profile export's). */
  public static final String AGGREGATE_SCHEMA_VERSION = "1.0";
  /** The JSON file of one configuration's runs. */
  public static final String AGGREGATE_JSON = "profile_export_aiperf_aggregate.json";
  /** The CSV file of one configuration's runs. */
  public static final String AGGREGATE_CSV = "profile_export_aiperf_aggregate.csv";
  /** The JSON file of a sweep. */
  public static final String SWEEP_JSON = "profile_export_aiperf_sweep.json";
  /** The CSV file of a sweep. */
  public static final String SWEEP_CSV = "profile_export_aiperf_sweep.csv";

  private AggregateFiles() {}

  /** AIPerf's per-metric shape of a confidence aggregate; non-finite values are left out. */
  public static Map<String, Object> confidenceMetric(Estimate e) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "mean", e.mean());
    put(m, "std", e.std());
    put(m, "min", e.min());
    put(m, "max", e.max());
    put(m, "cv", e.cv());
    put(m, "se", e.se());
    put(m, "ci_low", e.ciLow());
    put(m, "ci_high", e.ciHigh());
    put(m, "t_critical", e.tCritical());
    m.put("unit", e.unit());
    return m;
  }

  /** Puts a finite number; AIPerf scrubs NaN and infinities to "absent". */
  public static void put(Map<String, Object> m, String key, double v) {
    if (Double.isFinite(v)) {
      m.put(key, v);
    }
  }

  /**
   * Writes {@code profile_export_aiperf_aggregate.{json,csv}} into {@code dir}.
   *
   * @param metadata AIPerf's metadata block (aggregation_type, num_profile_runs, ...)
   * @param metrics flattened key to estimate
   */
  public static void writeAggregate(Path dir, Map<String, Object> metadata,
      Map<String, Estimate> metrics) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema_version", AGGREGATE_SCHEMA_VERSION);
    doc.put("aiperf_version", JsonExporter.VERSION);
    doc.put("metadata", metadata);
    Map<String, Object> m = new LinkedHashMap<>();
    metrics.forEach((k, e) -> m.put(k, confidenceMetric(e)));
    doc.put("metrics", m);
    Files.writeString(dir.resolve(AGGREGATE_JSON), JsonWriter.write(doc), StandardCharsets.UTF_8);

    StringBuilder csv = new StringBuilder();
    row(csv, List.of("metric", "mean", "std", "min", "max", "cv", "se", "ci_low", "ci_high",
        "t_critical", "unit"));
    metrics.forEach((k, e) -> row(csv, List.of(k, num(e.mean(), 2), num(e.std(), 2),
        num(e.min(), 2), num(e.max(), 2), num(e.cv(), 4), num(e.se(), 4), num(e.ciLow(), 2),
        num(e.ciHigh(), 2), num(e.tCritical(), 4), e.unit())));
    row(csv, List.of());
    row(csv, List.of("Aggregation Type", String.valueOf(metadata.get("aggregation_type"))));
    row(csv, List.of("Total Runs", String.valueOf(metadata.get("num_profile_runs"))));
    row(csv, List.of("Successful Runs", String.valueOf(metadata.get("num_successful_runs"))));
    metadata.forEach((k, v) -> {
      if (!List.of("aggregation_type", "num_profile_runs", "num_successful_runs", "failed_runs")
          .contains(k)) {
        row(csv, List.of(title(k), python(v)));
      }
    });
    Files.writeString(dir.resolve(AGGREGATE_CSV), csv.toString(), StandardCharsets.UTF_8);
  }

  /**
   * Writes {@code profile_export_aiperf_sweep.{json,csv}} into {@code dir}.
   *
   * @param doc the whole JSON document in AIPerf's order (aggregation_type, num_profile_runs,
   *     num_successful_runs, failed_runs, metadata, per_combination_metrics,
   *     best_configurations, pareto_optimal)
   * @param parameterNames the display names of the swept parameters, in order
   */
  @SuppressWarnings("unchecked")
  public static void writeSweep(Path dir, Map<String, Object> doc, List<String> parameterNames)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(SWEEP_JSON), JsonWriter.write(doc), StandardCharsets.UTF_8);

    StringBuilder csv = new StringBuilder();
    List<Map<String, Object>> combos = AggregateFiles.<List<Map<String, Object>>>req(doc, "per_combination_metrics");
    if (!combos.isEmpty()) {
      java.util.TreeSet<String> metricNames = new java.util.TreeSet<>();
      combos.forEach(c -> metricNames.addAll(AggregateFiles.<Map<String, Object>>req(c, "metrics").keySet()));
      List<String> header = new ArrayList<>(parameterNames);
      for (String name : metricNames) {
        for (String s : List.of("mean", "std", "min", "max", "cv")) {
          header.add(name + "_" + s);
        }
      }
      row(csv, header);
      for (Map<String, Object> c : combos) {
        Map<String, Object> params = AggregateFiles.<Map<String, Object>>req(c, "parameters");
        Map<String, Object> metrics = AggregateFiles.<Map<String, Object>>req(c, "metrics");
        List<String> r = new ArrayList<>();
        parameterNames.forEach(p -> r.add(params.containsKey(p) ? python(params.get(p)) : ""));
        for (String name : metricNames) {
          Object md = metrics.get(name);
          if (md instanceof Map<?, ?> stats) {
            for (String s : List.of("mean", "std", "min", "max", "cv")) {
              Object v = stats.get(s);
              r.add(v instanceof Number n ? num(n.doubleValue(), s.equals("cv") ? 4 : 2) : "");
            }
          } else {
            r.addAll(List.of("", "", "", "", ""));
          }
        }
        row(csv, r);
      }
    }
    row(csv, List.of());
    row(csv, List.of("Best Configurations"));
    Map<String, Object> best = AggregateFiles.<Map<String, Object>>req(doc, "best_configurations");
    if (!best.isEmpty()) {
      List<String> header = new ArrayList<>(List.of("Configuration"));
      header.addAll(parameterNames);
      header.addAll(List.of("Metric", "Unit"));
      row(csv, header);
      best.forEach((name, v) -> {
        Map<String, Object> b = (Map<String, Object>) v;
        Map<String, Object> params = AggregateFiles.<Map<String, Object>>req(b, "parameters");
        List<String> r = new ArrayList<>(List.of(title(name)));
        parameterNames.forEach(p -> r.add(params.containsKey(p) ? python(params.get(p)) : ""));
        Object metric = b.get("metric");
        r.add(metric instanceof Number n ? num(n.doubleValue(), 2) : "");
        r.add(String.valueOf(b.get("unit")));
        row(csv, r);
      });
    }
    row(csv, List.of());
    row(csv, List.of("Pareto Optimal Points"));
    List<Map<String, Object>> pareto = AggregateFiles.<List<Map<String, Object>>>req(doc, "pareto_optimal");
    if (!pareto.isEmpty()) {
      row(csv, parameterNames);
      for (Map<String, Object> p : pareto) {
        List<String> r = new ArrayList<>();
        parameterNames.forEach(n -> r.add(p.containsKey(n) ? python(p.get(n)) : ""));
        row(csv, r);
      }
    } else {
      row(csv, List.of("None"));
    }
    Map<String, Object> metadata = AggregateFiles.<Map<String, Object>>req(doc, "metadata");
    row(csv, List.of());
    row(csv, List.of("Metadata"));
    row(csv, List.of("Field", "Value"));
    row(csv, List.of("Aggregation Type", String.valueOf(doc.get("aggregation_type"))));
    row(csv, List.of("Sweep Parameters", String.join(", ", parameterNames)));
    row(csv, List.of("Number of Combinations", String.valueOf(metadata.get("num_combinations"))));
    row(csv, List.of("Number of Profile Runs", String.valueOf(doc.get("num_profile_runs"))));
    row(csv, List.of("Number of Successful Runs", String.valueOf(doc.get("num_successful_runs"))));
    Files.writeString(dir.resolve(SWEEP_CSV), csv.toString(), StandardCharsets.UTF_8);
  }

  /** AIPerf's CSV numbers: fixed decimals, blank for NaN, {@code inf} for infinities. */
  static String num(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** {@code confidence_level} as Python's {@code str.replace("_", " ").title()}: Confidence Level. */
  static String title(String key) {
    StringBuilder sb = new StringBuilder();
    boolean start = true;
    for (char c : key.replace('_', ' ').toCharArray()) {
      sb.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
      start = !Character.isLetter(c);
    }
    return sb.toString();
  }

  /** A value as Python's {@code str()} writes it in AIPerf's CSV. */
  static String python(@Nullable Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? Double.toString(d) : (d.isNaN() ? "nan" : d > 0 ? "inf" : "-inf");
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(x -> parts.add(x instanceof String s ? "'" + s + "'" : python(x)));
      return "[" + String.join(", ", parts) + "]";
    }
    if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, x) -> parts.add("'" + k + "': " + (x instanceof String s ? "'" + s + "'"
          : python(x))));
      return "{" + String.join(", ", parts) + "}";
    }
    return String.valueOf(v);
  }

  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private static <T> T req(Map<String, ?> m, String key) {
    return (T) java.util.Objects.requireNonNull(m.get(key), key);
  }

  private static void row(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      String c = cells.get(i);
      if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0
          || c.indexOf('\r') >= 0) {
        out.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        out.append(c);
      }
    }
    out.append("\r\n"); // Python's csv module ends rows with \r\n
  }
}
