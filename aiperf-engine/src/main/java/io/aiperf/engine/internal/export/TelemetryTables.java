package io.aiperf.engine.internal.export;

import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.GpuMetrics;
import io.aiperf.api.GpuTelemetry;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.ServerMetric;
import io.aiperf.api.ServerMetricType;
import io.aiperf.api.ServerMetrics;
import io.aiperf.engine.internal.gputelemetry.GpuFields;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The console's server-metrics and GPU tables. The server table is aiperf-java's own (AIPerf
 * prints none): the few metrics that explain latency, under their vLLM, SGLang, TensorRT-LLM or
 * Dynamo names, next to what the client measured. The GPU tables are AIPerf's: one per GPU
 * ({@code avg, min, max, p99, p90, p50, std}) and its "GPU Power Efficiency (NVIDIA)" table.
 */
final class TelemetryTables {
  private static final String[] STAT_COLUMNS = {"avg", "min", "max", "p99", "p90", "p50", "std"};

  /** A row of the server table: a concept, the names servers give it, how it is shown. */
  private enum Row {
    RUNNING("Running requests", "", 1, "vllm:num_requests_running", "sglang:num_running_reqs",
        "trtllm_num_requests_running", "dynamo_frontend_inflight_requests"),
    WAITING("Waiting requests", "", 1, "vllm:num_requests_waiting", "sglang:num_queue_reqs",
        "trtllm_num_requests_waiting", "dynamo_frontend_queued_requests"),
    KV_CACHE("KV-cache usage", "%", 100, "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc",
        "sglang:token_usage", "trtllm_kv_cache_utilization"),
    PREFIX_HIT("Prefix-cache hit rate", "%", 100, "vllm:gpu_prefix_cache_hit_rate",
        "sglang:cache_hit_rate", "trtllm_kv_cache_hit_rate"),
    PREEMPTIONS("Preemptions", "", 1, "vllm:num_preemptions", "sglang:num_retracted_reqs"),
    PROMPT_TOKENS("Prompt tokens", "", 1, "vllm:prompt_tokens", "sglang:prompt_tokens",
        "trtllm_prompt_tokens", "dynamo_frontend_input_sequence_tokens"),
    GENERATION_TOKENS("Generation tokens", "", 1, "vllm:generation_tokens",
        "sglang:generation_tokens", "trtllm_generation_tokens",
        "dynamo_frontend_output_sequence_tokens"),
    TTFT("Server TTFT", "ms", 1000, "vllm:time_to_first_token_seconds",
        "sglang:time_to_first_token_seconds", "trtllm_time_to_first_token_seconds",
        "dynamo_frontend_time_to_first_token_seconds"),
    ITL("Server ITL", "ms", 1000, "vllm:inter_token_latency_seconds",
        "vllm:time_per_output_token_seconds", "sglang:inter_token_latency_seconds",
        "sglang:time_per_output_token_seconds", "trtllm_inter_token_latency_seconds",
        "dynamo_frontend_inter_token_latency_seconds"),
    E2E("Server e2e latency", "ms", 1000, "vllm:e2e_request_latency_seconds",
        "sglang:e2e_request_latency_seconds", "trtllm_e2e_request_latency_seconds",
        "dynamo_frontend_request_duration_seconds");

    final String label;
    final String unit;
    final double scale;
    final List<String> names;

    Row(String label, String unit, double scale, String... names) {
      this.label = label;
      this.unit = unit;
      this.scale = scale;
      this.names = List.of(names);
    }
  }

  private TelemetryTables() {}

  /** The server-metrics table with the endpoints' status above it; "" without server metrics. */
  static String server(BenchmarkResult result, int width) {
    Optional<ServerMetrics> found = result.serverMetrics();
    if (found.isEmpty() || found.get().endpointsReachable().isEmpty()) {
      return ""; // nothing scraped: the one warning logged said why, the table would only repeat it
    }
    ServerMetrics s = found.get();
    StringBuilder sb = new StringBuilder("\n\n");
    sb.append("Server metrics: ").append(s.endpointsReachable().size()).append('/')
        .append(s.endpointsConfigured().size()).append(" endpoints scraped, ").append(s.scrapes())
        .append(" scrapes").append(s.skippedLines() > 0 ? ", " + s.skippedLines()
            + " malformed lines skipped" : "").append('\n');
    for (String e : s.endpointsConfigured()) {
      boolean ok = s.endpointsReachable().contains(e);
      sb.append("  ").append(ok ? "✔ " : "✘ ").append(ServerMetricsFiles.display(e))
          .append(ok ? "" : " (" + problemOf(s, e) + ")").append('\n');
    }
    ConsoleTable table = new ConsoleTable("NVIDIA AIPerf | Server Metrics", new String[] {
        "Metric", "avg / total", "min", "max", "p50", "p99", "client avg", "client p99"},
        new boolean[] {true, true, true, true, true, true, true, true});
    for (Row row : Row.values()) {
      ServerMetric m = row.names.stream().map(n -> s.find(n).orElse(null))
          .filter(java.util.Objects::nonNull).findFirst().orElse(null);
      if (row == Row.PREFIX_HIT && m == null) {
        prefixHitRate(s).ifPresent(rate -> table.add(new String[] {row.label + " (%)",
            num(rate * 100), "N/A", "N/A", "N/A", "N/A", "N/A", "N/A"}));
        continue;
      }
      if (m == null) {
        continue;
      }
      table.add(row(row, m, result));
    }
    if (table.isEmpty()) {
      sb.append("No vLLM, SGLang, TensorRT-LLM or Dynamo metrics among the ")
          .append(s.metrics().size()).append(" scraped; all are in server_metrics_export.*\n");
      return sb.toString();
    }
    return sb.append(table.render(width)).toString();
  }

  private static String problemOf(ServerMetrics s, String endpoint) {
    return s.problems().stream().filter(p -> p.startsWith(endpoint + " could not be scraped: "))
        .map(p -> p.substring((endpoint + " could not be scraped: ").length())).findFirst()
        .orElse("unreachable");
  }

  /** vLLM's hit rate over the window: hits over queries, both counted in tokens. */
  private static Optional<Double> prefixHitRate(ServerMetrics s) {
    Optional<ServerMetric> hits = s.find("vllm:prefix_cache_hits");
    Optional<ServerMetric> queries = s.find("vllm:prefix_cache_queries");
    if (hits.isEmpty() || queries.isEmpty()) {
      return Optional.empty();
    }
    double q = queries.get().stat("total");
    return q > 0 ? Optional.of(hits.get().stat("total") / q) : Optional.empty();
  }

  private static String[] row(Row row, ServerMetric m, BenchmarkResult result) {
    String label = row.label + (row.unit.isEmpty() ? "" : " (" + row.unit + ")");
    String[] cells = {label, "N/A", "N/A", "N/A", "N/A", "N/A", "N/A", "N/A"};
    double k = row.scale;
    if (m.type() == ServerMetricType.COUNTER) {
      cells[1] = num(m.stat("total") * k);
    } else if (m.type() == ServerMetricType.HISTOGRAM) {
      if (m.series().size() == 1 && m.series().get(0).stats().containsKey("avg")) {
        var st = m.series().get(0);
        cells[1] = num(st.stat("avg") * k);
        st.find("p50_estimate").ifPresent(v -> cells[4] = num(v * k));
        st.find("p99_estimate").ifPresent(v -> cells[5] = num(v * k));
      } else if (m.series().size() > 1) {
        cells[1] = num(m.stat("sum") / m.stat("count") * k);
      }
    } else if (m.series().size() == 1) {
      var st = m.series().get(0);
      st.find("avg").ifPresent(v -> cells[1] = num(v * k));
      st.find("min").ifPresent(v -> cells[2] = num(v * k));
      st.find("max").ifPresent(v -> cells[3] = num(v * k));
      st.find("p50").ifPresent(v -> cells[4] = num(v * k));
      st.find("p99").ifPresent(v -> cells[5] = num(v * k));
    } else {
      cells[3] = num(m.stat("max") * k);
    }
    String client = switch (row) {
      case TTFT -> "time_to_first_token";
      case ITL -> "inter_token_latency";
      case E2E -> "request_latency";
      case PROMPT_TOKENS -> "total_usage_prompt_tokens";
      case GENERATION_TOKENS -> "total_usage_completion_tokens";
      default -> null;
    };
    if (client != null) {
      result.find(new MetricTag(client)).ifPresent(c -> {
        cells[6] = num(c.avg());
        if (!c.scalar()) {
          cells[7] = num(c.p99());
        }
      });
    }
    return cells;
  }

  /** AIPerf's GPU tables, one per GPU, and the power-efficiency table; "" without telemetry. */
  static String gpu(BenchmarkResult result, int width) {
    Optional<GpuTelemetry> found = result.gpuTelemetry();
    if (found.isEmpty() || found.get().gpus().isEmpty()) {
      return "";
    }
    GpuTelemetry t = found.get();
    StringBuilder sb = new StringBuilder("\n\n");
    sb.append("NVIDIA AIPerf | GPU Telemetry Summary\n").append(t.endpointsReachable().size())
        .append('/').append(t.endpointsConfigured().size()).append(" telemetry sources reachable\n");
    for (String e : t.endpointsConfigured()) {
      sb.append("• ").append(ServerMetricsFiles.display(e))
          .append(t.endpointsReachable().contains(e) ? " ✔" : " ✘ (unreachable)").append('\n');
    }
    for (GpuMetrics g : t.gpus()) {
      ConsoleTable table = new ConsoleTable(ServerMetricsFiles.display(g.endpoint()) + " | GPU "
          + g.index() + " | " + g.name(), header(), rightAll(STAT_COLUMNS.length + 1));
      for (GpuFields.Field f : GpuFields.FIELDS) {
        MetricResult m = g.metrics().get(f.key());
        if (m == null) {
          continue;
        }
        String[] row = new String[STAT_COLUMNS.length + 1];
        row[0] = f.display() + " (" + f.unit() + ")";
        for (int i = 0; i < STAT_COLUMNS.length; i++) {
          double v = m.get(io.aiperf.api.Statistic.valueOf(STAT_COLUMNS[i].toUpperCase(
              Locale.ROOT)));
          row[i + 1] = m.scalar() && i > 0 || !Double.isFinite(v) ? "N/A" : gpuNumber(v);
        }
        table.add(row);
      }
      sb.append('\n').append(table.render(width));
    }
    if (!t.efficiency().isEmpty()) {
      ConsoleTable eff = new ConsoleTable("NVIDIA AIPerf | GPU Power Efficiency (NVIDIA)",
          new String[] {"Metric", "avg"}, new boolean[] {true, true});
      for (MetricResult m : t.efficiency()) {
        eff.add(new String[] {m.header() + " (" + m.unit() + ")",
            ExportSupport.twoDecimals(m.avg(), true)});
      }
      sb.append("\n\n").append(eff.render(width));
    }
    return sb.toString();
  }

  private static String[] header() {
    String[] h = new String[STAT_COLUMNS.length + 1];
    h[0] = "Metric";
    System.arraycopy(STAT_COLUMNS, 0, h, 1, STAT_COLUMNS.length);
    return h;
  }

  private static boolean[] rightAll(int n) {
    boolean[] b = new boolean[n];
    java.util.Arrays.fill(b, true);
    return b;
  }

  /** AIPerf's GPU console number: two decimals with grouping, exponent from a million. */
  private static String gpuNumber(double v) {
    return Math.abs(v) >= 1_000_000 ? String.format(Locale.ROOT, "%.2e", v)
        : ExportSupport.twoDecimals(v, true);
  }

  private static String num(double v) {
    return Double.isFinite(v) ? ExportSupport.twoDecimals(v, true) : "N/A";
  }

  /** Whether a metric is one of the GPU efficiency metrics, shown in their own table. */
  static boolean efficiency(MetricResult m) {
    String tag = m.tag().tag();
    return tag.startsWith("nvidia_") || tag.startsWith("amd_");
  }
}
