package io.aiperf.report.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the two time-series exports of AIPerf 0.13: {@code gpu_telemetry_export.jsonl} (one line
 * per GPU and sample: {@code gpu_index}, {@code gpu_uuid}, {@code hostname}, {@code timestamp_ns},
 * {@code telemetry_data} with {@code nvidia_*} or {@code amd_*} fields) and
 * {@code server_metrics_export.jsonl} (one line per scrape: {@code endpoint_url},
 * {@code timestamp_ns}, {@code metrics}: family name to samples, each with {@code labels} and a
 * {@code value}, or {@code buckets}, {@code sum} and {@code count} for a histogram).
 */
final class Telemetry {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The names AIPerf wrote before 0.12, and their units. */
  private static final Map<String, String> LEGACY = Map.ofEntries(
      Map.entry("gpu_power_usage", "nvidia_power_usage"),
      Map.entry("energy_consumption", "nvidia_energy_consumption"),
      Map.entry("gpu_utilization", "nvidia_gpu_utilization"),
      Map.entry("mem_utilization", "nvidia_memory_utilization"),
      Map.entry("gpu_memory_used", "nvidia_memory_used"),
      Map.entry("gpu_temperature", "nvidia_temperature"),
      Map.entry("sm_utilization", "nvidia_sm_utilization"),
      Map.entry("decoder_utilization", "nvidia_decoder_utilization"),
      Map.entry("encoder_utilization", "nvidia_encoder_utilization"),
      Map.entry("jpg_utilization", "nvidia_jpg_utilization"),
      Map.entry("xid_errors", "nvidia_xid_errors"),
      Map.entry("power_violation", "nvidia_power_violation"));

  private Telemetry() {}

  /** The result of reading one file: its groups and what was wrong with it. */
  record Read(List<TimeSeries.Group> groups, List<String> problems) {}

  static Read gpu(Path file) throws IOException {
    // metric -> GPU label -> samples
    Map<String, Map<String, Samples>> byMetric = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    forEachLine(file, "telemetry_data", problems, rec -> {
      long t = rec.get("timestamp_ns").asLong();
      String host = rec.path("hostname").asText("");
      String gpu = (host.isEmpty() ? "" : host + " ") + "GPU " + rec.path("gpu_index").asText("?");
      for (Iterator<Map.Entry<String, JsonNode>> it = rec.get("telemetry_data").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNumber()) {
          continue;
        }
        String metric = LEGACY.getOrDefault(e.getKey(), e.getKey());
        byMetric.computeIfAbsent(metric, k -> new TreeMap<>())
            .computeIfAbsent(gpu, k -> new Samples()).add(t, e.getValue().asDouble());
      }
    });
    List<TimeSeries.Group> groups = new ArrayList<>();
    byMetric.forEach((metric, gpus) -> {
      List<TimeSeries> series = new ArrayList<>();
      gpus.forEach((gpu, s) -> series.add(s.series(gpu)));
      groups.add(new TimeSeries.Group(metric, gpuUnit(metric), "gauge", series));
    });
    return new Read(groups, problems);
  }

  /**
   * Hands each JSON line of {@code file} that has a numeric {@code timestamp_ns} and an object
   * {@code payload} to {@code each}; other lines are skipped, and the first one named in
   * {@code problems}.
   */
  private static void forEachLine(Path file, String payload, List<String> problems,
      java.util.function.Consumer<JsonNode> each) throws IOException {
    boolean reported = false;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String problem = null;
        JsonNode rec = null;
        try {
          rec = JSON.readTree(line);
          if (!rec.path("timestamp_ns").isNumber() || !rec.path(payload).isObject()) {
            problem = "has no timestamp_ns or " + payload;
          }
        } catch (IOException e) {
          problem = "is not JSON";
        }
        if (problem == null && rec != null) {
          each.accept(rec);
        } else if (!reported) {
          reported = true;
          problems.add(file + " line " + lineNo + " " + problem + "; such lines are skipped");
        }
      }
    }
  }

  private static String gpuUnit(String metric) {
    String m = metric.toLowerCase(Locale.ROOT);
    if (m.contains("utilization") || m.contains("activity")) {
      return "%";
    }
    if (m.endsWith("power_usage") || m.endsWith("_power")) {
      return "W";
    }
    if (m.contains("energy")) {
      return "MJ";
    }
    if (m.contains("memory_used")) {
      return "GB";
    }
    if (m.contains("temperature")) {
      return "°C";
    }
    return "";
  }

  /**
   * Reads server metrics. The JSONL lines carry no metric types; they come from the JSON export
   * ({@code json}, {@code server_metrics_export.json}) when it exists, else a series that never
   * went down and rose at least once is read as a counter (charted as a rate).
   */
  static Read server(Path file, Path json) throws IOException {
    Map<String, String> types = new HashMap<>();
    Map<String, String> units = new HashMap<>();
    if (Files.isReadable(json)) {
      try {
        JsonNode doc = JSON.readTree(json.toFile());
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("metrics").fields();
            it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          types.put(e.getKey(), e.getValue().path("type").asText("").toLowerCase(Locale.ROOT));
          units.put(e.getKey(), e.getValue().path("unit").asText(""));
        }
      } catch (IOException e) {
        // The JSONL alone still charts; the types are then inferred.
      }
    }
    // metric -> series key (endpoint + labels) -> samples; histograms keep sum and count.
    Map<String, Map<String, Samples>> values = new TreeMap<>();
    Map<String, Map<String, Samples>> sums = new TreeMap<>();
    Map<String, Map<String, Samples>> counts = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    java.util.Set<String> endpoints = new java.util.TreeSet<>();
    List<JsonNode> pending = new ArrayList<>();
    forEachLine(file, "metrics", problems, rec -> {
      endpoints.add(rec.path("endpoint_url").asText(""));
      pending.add(rec);
    });
    // Scrapes outside the profiling phase (the baseline before it, warmup) would stretch the time
    // axis and mix phases; they are left out when the file marks its phases.
    if (pending.stream().anyMatch(r -> "profiling".equals(r.path("benchmark_phase").asText()))) {
      pending.removeIf(r -> !"profiling".equals(r.path("benchmark_phase").asText()));
    }
    boolean severalEndpoints = endpoints.size() > 1;
    for (JsonNode rec : pending) {
      long t = rec.get("timestamp_ns").asLong();
      String endpoint = severalEndpoints ? rec.path("endpoint_url").asText("") + " " : "";
      for (Iterator<Map.Entry<String, JsonNode>> it = rec.get("metrics").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> family = it.next();
        for (JsonNode sample : family.getValue()) {
          String key = (endpoint + labels(sample.path("labels"))).strip();
          if (key.isEmpty()) {
            key = family.getKey();
          }
          if (sample.path("value").isNumber()) {
            values.computeIfAbsent(family.getKey(), k -> new TreeMap<>())
                .computeIfAbsent(key, k -> new Samples()).add(t, sample.get("value").asDouble());
          } else if (sample.path("sum").isNumber() && sample.path("count").isNumber()) {
            sums.computeIfAbsent(family.getKey(), k -> new TreeMap<>())
                .computeIfAbsent(key, k -> new Samples()).add(t, sample.get("sum").asDouble());
            counts.computeIfAbsent(family.getKey(), k -> new TreeMap<>())
                .computeIfAbsent(key, k -> new Samples()).add(t, sample.get("count").asDouble());
          }
        }
      }
    }
    List<TimeSeries.Group> groups = new ArrayList<>();
    values.forEach((metric, bySeries) -> {
      String type = types.getOrDefault(metric, "");
      boolean counter = type.equals("counter")
          || (type.isEmpty() && bySeries.values().stream().allMatch(Samples::neverDecreases)
              && bySeries.values().stream().anyMatch(Samples::rises));
      List<TimeSeries> series = new ArrayList<>();
      bySeries.forEach((k, s) -> series.add(counter ? s.rate(k) : s.series(k)));
      String unit = units.getOrDefault(metric, "");
      groups.add(new TimeSeries.Group(metric, counter ? (unit.isEmpty() ? "" : unit + "/") + "s"
          : unit, counter ? "rate" : "gauge", series));
    });
    sums.forEach((metric, bySeries) -> {
      List<TimeSeries> series = new ArrayList<>();
      Map<String, Samples> c = counts.getOrDefault(metric, Map.of());
      bySeries.forEach((k, s) -> {
        Samples n = c.get(k);
        if (n != null) {
          series.add(s.averagePer(n, k));
        }
      });
      groups.add(new TimeSeries.Group(metric, units.getOrDefault(metric, ""), "average",
          series));
    });
    return new Read(groups, problems);
  }

  private static String labels(JsonNode labels) {
    if (!labels.isObject() || labels.isEmpty()) {
      return "";
    }
    Map<String, String> sorted = new TreeMap<>();
    labels.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
    StringBuilder b = new StringBuilder("{");
    sorted.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(k).append('=').append(v));
    return b.append('}').toString();
  }

  /** Samples in the order of the file, which AIPerf writes in time order. */
  private static final class Samples {
    private long[] t = new long[64];
    private double[] v = new double[64];
    private int n;

    void add(long time, double value) {
      if (n == t.length) {
        t = java.util.Arrays.copyOf(t, n * 2);
        v = java.util.Arrays.copyOf(v, n * 2);
      }
      t[n] = time;
      v[n++] = value;
    }

    boolean neverDecreases() {
      for (int i = 1; i < n; i++) {
        if (v[i] < v[i - 1]) {
          return false;
        }
      }
      return true;
    }

    boolean rises() {
      return n > 1 && v[n - 1] > v[0];
    }

    TimeSeries series(String label) {
      return new TimeSeries(label, java.util.Arrays.copyOf(t, n), java.util.Arrays.copyOf(v, n));
    }

    /** Per-second rate between two samples, stamped at the later one; a counter reset gives NaN. */
    TimeSeries rate(String label) {
      int m = Math.max(0, n - 1);
      long[] times = new long[m];
      double[] rates = new double[m];
      for (int i = 1; i < n; i++) {
        double dt = (t[i] - t[i - 1]) / 1e9;
        double dv = v[i] - v[i - 1];
        times[i - 1] = t[i];
        rates[i - 1] = dt > 0 && dv >= 0 ? dv / dt : Double.NaN;
      }
      return new TimeSeries(label, times, rates);
    }

    /** A histogram's mean over each interval: the growth of its sum over that of its count. */
    TimeSeries averagePer(Samples count, String label) {
      int m = Math.max(0, Math.min(n, count.n) - 1);
      long[] times = new long[m];
      double[] avg = new double[m];
      for (int i = 1; i <= m; i++) {
        double dc = count.v[i] - count.v[i - 1];
        times[i - 1] = t[i];
        avg[i - 1] = dc > 0 ? (v[i] - v[i - 1]) / dc : Double.NaN;
      }
      return new TimeSeries(label, times, avg);
    }
  }
}
