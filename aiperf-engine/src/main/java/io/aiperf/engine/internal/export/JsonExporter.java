package io.aiperf.engine.internal.export;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import io.aiperf.api.SyntheticDataset;
import io.aiperf.api.spi.ExporterProvider;
import io.aiperf.engine.internal.service.EngineSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@code profile_export_aiperf.json} in AIPerf's layout: the same top-level key order, one
 * block per metric tag ({@code unit}, {@code avg}, percentiles, {@code min}, {@code max},
 * {@code std}, then {@code count} and {@code sum} as AIPerf 0.13 adds), scalars as
 * {@code unit} + {@code avg}, then {@code input_config}, {@code was_cancelled},
 * {@code error_summary}, {@code start_time} and {@code end_time}.
 */
public final class JsonExporter implements ExporterProvider {
  static final String SCHEMA_VERSION = "1.4";
  static final String VERSION = "0.1.0";

  /** AIPerf's declared field order; other metrics follow in display order. */
  private static final List<String> DECLARED_ORDER = List.of(
      "request_throughput", "request_latency", "request_count", "time_to_first_token",
      "time_to_second_token", "inter_token_latency", "output_token_throughput",
      "output_token_throughput_per_user", "output_sequence_length", "input_sequence_length",
      "goodput", "good_request_count", "output_token_count", "reasoning_token_count",
      "min_request_timestamp", "max_response_timestamp", "inter_chunk_latency",
      "total_output_tokens", "total_reasoning_tokens", "benchmark_duration", "total_isl",
      "total_osl", "error_request_count", "error_isl", "total_error_isl");

  private static final Statistic[] STATS = {Statistic.AVG, Statistic.P1, Statistic.P5,
      Statistic.P10, Statistic.P25, Statistic.P50, Statistic.P75, Statistic.P90, Statistic.P95,
      Statistic.P99, Statistic.MIN, Statistic.MAX, Statistic.STD};

  @Override
  public String name() {
    return "json";
  }

  @Override
  public String description() {
    return "AIPerf's profile_export_aiperf.json summary";
  }

  @Override
  public void export(BenchmarkResult result, Context context) throws IOException {
    if (context.artifactDir().isEmpty()) {
      return;
    }
    Path dir = context.artifactDir().get();
    Files.createDirectories(dir);
    Path file = dir.resolve(ExportSupport.fileName(result.config(), ExportSupport.JSON_FILE));
    Files.writeString(file, JsonWriter.write(document(result)), StandardCharsets.UTF_8);
  }

  static Map<String, Object> document(BenchmarkResult result) {
    // AIPerf's form: 12 hex digits of a random UUID.
    String benchmarkId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema_version", SCHEMA_VERSION);
    doc.put("aiperf_version", VERSION);
    doc.put("benchmark_id", benchmarkId);
    Map<String, MetricResult> byTag = new LinkedHashMap<>();
    result.metrics().forEach(m -> byTag.put(m.tag().tag(), m));
    for (String tag : DECLARED_ORDER) {
      MetricResult m = byTag.remove(tag);
      if (m != null) {
        doc.put(tag, metric(m, result.histograms().get(tag)));
      }
    }
    result.gpuTelemetry().ifPresent(t -> doc.put("telemetry_data", telemetryData(t)));
    doc.put("input_config", inputConfig(result.config(), result.seed()));
    doc.put("run_info", runInfo(result, benchmarkId));
    doc.put("was_cancelled", result.wasCancelled());
    // A cancelled run's numbers cover only what ran: AIPerf marks such a run incomplete.
    doc.put("is_complete", !result.wasCancelled());
    if (result.wasCancelled()) {
      doc.put("incomplete_reason", "The run was cancelled before it finished; the results"
          + " cover the requests that ended before that");
    }
    List<Object> errors = new ArrayList<>();
    for (ErrorSummary e : result.errors()) {
      Map<String, Object> details = new LinkedHashMap<>();
      if (e.code() > 0) {
        details.put("code", e.code()); // AIPerf leaves out a code that does not exist
      }
      details.put("type", e.type());
      details.put("message", e.message());
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("error_details", details);
      item.put("count", e.count());
      errors.add(item);
    }
    doc.put("error_summary", errors);
    doc.put("start_time", ExportSupport.isoLocal(result.startTime()));
    doc.put("end_time", ExportSupport.isoLocal(result.endTime()));
    if (!result.remoteClocks().isEmpty()) {
      doc.put("remote_clocks", remoteClocks(result)); // aiperf-java's own key
    }
    if (!result.warnings().isEmpty()) {
      doc.put("warnings", result.warnings()); // aiperf-java's own key: what the run got wrong
    }
    byTag.forEach((tag, m) -> doc.put(tag, metric(m, result.histograms().get(tag))));
    return doc;
  }

  /** Each remote service's clock against the controller's, in milliseconds. */
  private static List<Object> remoteClocks(BenchmarkResult result) {
    List<Object> clocks = new ArrayList<>();
    for (io.aiperf.api.RemoteClock c : result.remoteClocks()) {
      clocks.add(ordered("service_id", c.serviceId(), "host", c.host(),
          "offset_ms", c.offset().toNanos() / 1e6,
          "uncertainty_ms", c.uncertainty().toNanos() / 1e6,
          "min_round_trip_ms", c.minRoundTrip().toNanos() / 1e6, "samples", c.samples(),
          "clock_steps", c.steps(), "largest_step_ms", c.largestStep().toNanos() / 1e6,
          "corrected", c.corrected()));
    }
    return clocks;
  }

  static Map<String, Object> metric(MetricResult m) {
    return metric(m, null);
  }

  /**
   * AIPerf's {@code TelemetryExportData}: the telemetry's window and endpoints, then per endpoint
   * (as AIPerf displays it) each GPU as {@code gpu_<index>} with its fields' statistics.
   */
  static Map<String, Object> telemetryData(io.aiperf.api.GpuTelemetry t) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("endpoints_configured", t.endpointsConfigured());
    summary.put("endpoints_successful", t.endpointsReachable());
    summary.put("start_time", ExportSupport.isoLocal(t.start()));
    summary.put("end_time", ExportSupport.isoLocal(t.end()));
    Map<String, Object> endpoints = new LinkedHashMap<>();
    Map<String, Map<String, Object>> gpusOf = new LinkedHashMap<>();
    for (io.aiperf.api.GpuMetrics g : t.gpus()) {
      Map<String, Object> gpus = gpusOf.computeIfAbsent(ServerMetricsFiles.display(g.endpoint()),
          k -> {
            Map<String, Object> m = new LinkedHashMap<>();
            endpoints.put(k, ordered("gpus", m));
            return m;
          });
      Map<String, Object> gpu = new LinkedHashMap<>();
      gpu.put("gpu_index", g.index());
      gpu.put("gpu_name", g.name());
      gpu.put("gpu_uuid", g.uuid());
      gpu.put("platform", g.platform());
      if (!g.hostname().isEmpty()) {
        gpu.put("hostname", g.hostname());
      }
      Map<String, Object> metrics = new LinkedHashMap<>();
      g.metrics().forEach((k, m) -> metrics.put(k, metric(m)));
      gpu.put("metrics", metrics);
      gpus.put("gpu_" + g.index(), gpu);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("summary", summary);
    data.put("endpoints", endpoints);
    data.put("error_summary", List.of());
    return data;
  }

  /**
   * One metric's block; with its HdrHistogram (aiperf-java's own key, {@code hdr_histogram}) so
   * files from several hosts or repeats can be merged exactly.
   */
  static Map<String, Object> metric(MetricResult m, @Nullable String histogram) {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("unit", m.unit());
    if (m.scalar()) {
      block.put("avg", m.avg());
      return block;
    }
    for (Statistic s : STATS) {
      double v = m.get(s);
      if (Double.isFinite(v)) { // AIPerf leaves out what has no finite value (adj_* tails)
        block.put(s.key(), v);
      }
    }
    if (io.aiperf.engine.internal.metrics.SweepMetrics.spec(m.tag().tag()) == null) {
      block.put("count", m.count()); // AIPerf's time-weighted metrics have none
    }
    if (Double.isFinite(m.sum())) {
      block.put("sum", m.sum());
    }
    if (histogram != null) {
      block.put("hdr_histogram", histogram);
    }
    return block;
  }

  /** A map that keeps its keys in the order given, so files do not change from run to run. */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /**
   * The run's configuration in AIPerf 0.13's {@code BenchmarkConfig} layout (models, endpoint,
   * datasets, phases, artifacts, tokenizer, runtime), which AIPerf validates with no unknown key
   * allowed: what the run really did (arrival pattern, rate, duration, sessions, warmup, every
   * URL). Header and extra-input values are never written: they may carry secrets.
   */
  static Map<String, Object> inputConfig(BenchmarkConfig c, @Nullable Long seed) {
    Map<String, Object> config = new LinkedHashMap<>();
    List<Object> models = new ArrayList<>();
    List<String> names = c.endpoint().models().isEmpty()
        ? List.of(c.endpoint().model().orElse("")) : c.endpoint().models();
    names.forEach(n -> models.add(ordered("name", n)));
    Map<String, Object> modelBlock = new LinkedHashMap<>();
    if (names.size() > 1) {
      modelBlock.put("strategy", c.endpoint().modelSelectionStrategy());
    }
    modelBlock.put("items", models);
    config.put("models", modelBlock);
    Map<String, Object> endpoint = new LinkedHashMap<>();
    endpoint.put("urls", c.endpoint().urls());
    endpoint.put("type", c.endpoint().type());
    c.endpoint().path().ifPresent(p -> endpoint.put("path", p));
    if (c.endpoint().streaming()) {
      endpoint.put("streaming", true);
    }
    endpoint.put("timeout", c.endpoint().requestTimeout().toMillis() / 1000.0);
    if (c.endpoint().useServerTokenCount()) {
      endpoint.put("use_server_token_count", true);
    }
    if (c.endpoint().useLegacyMaxTokens()) {
      endpoint.put("use_legacy_max_tokens", true);
    }
    config.put("endpoint", endpoint);
    config.put("datasets", List.of(dataset(c, seed)));
    List<Object> phases = new ArrayList<>();
    if (c.hasWarmup()) {
      phases.add(warmupPhase(c));
    }
    phases.add(profilingPhase(c));
    config.put("phases", phases);
    Map<String, Object> artifacts = new LinkedHashMap<>();
    c.artifactDir().ifPresent(d -> artifacts.put("dir", d.toString()));
    c.exportPrefix().ifPresent(p -> artifacts.put("prefix", p));
    if (c.exportLevel() == io.aiperf.api.ExportLevel.SUMMARY) {
      artifacts.put("records", false);
    }
    if (c.exportLevel() == io.aiperf.api.ExportLevel.RAW) {
      artifacts.put("raw", true);
    }
    if (c.exportHttpTrace()) {
      artifacts.put("trace", true);
    }
    c.sliceDuration().ifPresent(d -> artifacts.put("slice_duration", d.toNanos() / 1e9));
    config.put("artifacts", artifacts);
    if (!c.goodput().isEmpty()) {
      config.put("slos", c.goodput());
    }
    config.put("tokenizer", ordered("name", EngineSupport.tokenizerName(c)));
    // As AIPerf's CLI writes them: on or off, the URLs given, the server-metrics formats.
    Map<String, Object> gpu = new LinkedHashMap<>();
    gpu.put("enabled", c.gpuTelemetryEnabled());
    if (c.gpuTelemetryEnabled() && !c.gpuTelemetryUrls().isEmpty()) {
      gpu.put("urls", c.gpuTelemetryUrls().stream().map(Object::toString).toList());
    }
    config.put("gpu_telemetry", gpu);
    Map<String, Object> server = new LinkedHashMap<>();
    server.put("enabled", c.serverMetricsEnabled());
    if (c.serverMetricsEnabled()) {
      server.put("urls", c.serverMetricsUrls().stream().map(Object::toString).toList());
      server.put("formats", c.serverMetricsFormats().stream()
          .map(f -> f.name().toLowerCase(java.util.Locale.ROOT)).toList());
    }
    config.put("server_metrics", server);
    Map<String, Object> runtime = new LinkedHashMap<>();
    // Every worker of the run, the remote ones too (AIPerf's model wants at least one).
    runtime.put("workers", c.workers() + c.remoteWorkers());
    runtime.put("record_processors", c.recordProcessors());
    config.put("runtime", runtime);
    return config;
  }

  private static Map<String, Object> dataset(BenchmarkConfig c, @Nullable Long seed) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", "main");
    if (c.dataset() instanceof SyntheticDataset s) {
      d.put("type", "synthetic");
      s.entries().ifPresent(n -> d.put("entries", n));
      if (seed != null) {
        d.put("random_seed", seed);
      }
      Map<String, Object> prompts = new LinkedHashMap<>();
      prompts.put("isl", ordered("mean", s.inputTokensMean(), "stddev", s.inputTokensStddev()));
      if (s.outputTokensMean().isPresent()) {
        prompts.put("osl", ordered("mean", s.outputTokensMean().getAsDouble(), "stddev",
            s.outputTokensStddev()));
      }
      d.put("prompts", prompts);
      if (s.turnsMean() > 1 || s.turnsStddev() > 0) {
        d.put("turns", ordered("mean", s.turnsMean(), "stddev", s.turnsStddev()));
        d.put("turn_delay", ordered("mean", s.turnDelayMeanMillis(), "stddev",
            s.turnDelayStddevMillis()));
      }
    } else if (c.dataset() instanceof io.aiperf.api.FileDataset f
        && f.type().equals("sharegpt")) {
      d.put("type", "public");
      d.put("dataset", "sharegpt");
      f.entries().ifPresent(n -> d.put("entries", n));
    } else if (c.dataset() instanceof io.aiperf.api.FileDataset f) {
      d.put("type", "file");
      d.put("path", f.path().toString());
      d.put("format", f.type());
      f.entries().ifPresent(n -> d.put("entries", n));
    }
    c.dataset().samplingStrategy().ifPresent(v -> d.put("sampling", v));
    return d;
  }

  private static Map<String, Object> warmupPhase(BenchmarkConfig c) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", "warmup");
    p.put("kind", "warmup");
    boolean rate = c.warmupRequestRate().isPresent();
    p.put("type", rate ? c.warmupArrivalPattern().name().toLowerCase(java.util.Locale.ROOT)
        : "concurrency");
    p.put("exclude_from_results", true);
    c.warmupRequestCount().ifPresent(n -> p.put("requests", n));
    c.warmupDuration().ifPresent(d -> p.put("duration", d.toNanos() / 1e9));
    c.warmupNumSessions().ifPresent(n -> p.put("sessions", n));
    if (c.warmupConcurrency() > 0) {
      p.put("concurrency", c.warmupConcurrency());
    }
    c.warmupConcurrencyRampDuration().ifPresent(d -> p.put("concurrency_ramp", ramp(d)));
    c.warmupPrefillConcurrency().ifPresent(n -> p.put("prefill_concurrency", n));
    c.warmupGracePeriod().ifPresent(d -> p.put("grace_period", d.toNanos() / 1e9));
    c.warmupRequestRate().ifPresent(r -> p.put("rate", r));
    if (rate) {
      c.warmupRequestRateRampDuration().ifPresent(d -> p.put("rate_ramp", ramp(d)));
    }
    return p;
  }

  /** AIPerf's ramp layout: a duration in seconds and its strategy (aiperf-java's is linear). */
  private static Map<String, Object> ramp(java.time.Duration d) {
    return ordered("duration", d.toNanos() / 1e9, "strategy", "linear");
  }

  private static Map<String, Object> profilingPhase(BenchmarkConfig c) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", "profiling");
    p.put("kind", "profiling");
    String type;
    if (c.fixedSchedule()) {
      type = "fixed_schedule";
    } else if (c.userCentricRate().isPresent()) {
      type = "user_centric";
    } else if (c.requestRate().isPresent()) {
      type = arrival(c);
    } else {
      type = "concurrency";
    }
    p.put("type", type);
    if (c.numSessions().isPresent()) {
      p.put("sessions", c.numSessions().getAsInt());
    } else if (c.requestCount() > 0) {
      p.put("requests", c.requestCount());
    }
    c.benchmarkDuration().ifPresent(d -> {
      p.put("duration", d.toNanos() / 1e9);
      p.put("grace_period", c.gracePeriod().toNanos() / 1e9);
    });
    if (c.concurrency() > 0) {
      p.put("concurrency", c.concurrency());
    }
    c.concurrencyRampDuration().ifPresent(d -> p.put("concurrency_ramp", ramp(d)));
    c.prefillConcurrency().ifPresent(n -> p.put("prefill_concurrency", n));
    c.requestRateRampDuration().ifPresent(d -> p.put("rate_ramp", ramp(d)));
    switch (type) {
      case "user_centric" -> {
        p.put("users", c.numUsers());
        p.put("rate", c.userCentricRate().getAsDouble());
      }
      case "fixed_schedule" -> {
        p.put("auto_offset", c.fixedScheduleAutoOffset());
        c.fixedScheduleStartOffset().ifPresent(o -> p.put("start_offset", o));
        c.fixedScheduleEndOffset().ifPresent(o -> p.put("end_offset", o));
      }
      case "concurrency" -> { }
      default -> {
        p.put("rate", c.requestRate().getAsDouble());
        if (c.arrivalPattern() == io.aiperf.api.ArrivalPattern.GAMMA) {
          p.put("smoothness", c.arrivalSmoothness());
        }
      }
    }
    if (c.cancellationRate() > 0) {
      p.put("cancellation", ordered("rate", c.cancellationRate(), "delay",
          c.cancellationDelay().toNanos() / 1e9));
    }
    return p;
  }

  private static String arrival(BenchmarkConfig c) {
    return c.arrivalPattern().name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * AIPerf's {@code run_info}: the run's id, seed, trial and the command line that started it
   * (absent for a run made from the API).
   */
  static Map<String, Object> runInfo(BenchmarkResult result, String benchmarkId) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("benchmark_id", benchmarkId);
    if (result.config().dataset() instanceof SyntheticDataset s && s.seed().isPresent()) {
      info.put("random_seed", s.seed().getAsLong());
    }
    info.put("trial", 0);
    if (!result.config().commandLine().isEmpty()) {
      info.put("cli_command", ExportSupport.commandLine(result.config().commandLine()));
    }
    return info;
  }
}
