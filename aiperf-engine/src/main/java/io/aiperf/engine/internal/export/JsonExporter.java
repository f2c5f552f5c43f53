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
  static final String SCHEMA_VERSION = "1.0";
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
    String benchmarkId = UUID.randomUUID().toString();
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
    doc.put("input_config", inputConfig(result, benchmarkId));
    doc.put("was_cancelled", result.wasCancelled());
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
    if (!result.warnings().isEmpty()) {
      doc.put("warnings", result.warnings()); // aiperf-java's own key: what the run got wrong
    }
    byTag.forEach((tag, m) -> doc.put(tag, metric(m, result.histograms().get(tag))));
    return doc;
  }

  static Map<String, Object> metric(MetricResult m) {
    return metric(m, null);
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
    block.put("count", m.count());
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

  private static Map<String, Object> inputConfig(BenchmarkResult result, String benchmarkId) {
    BenchmarkConfig c = result.config();
    Map<String, Object> endpoint = new LinkedHashMap<>();
    endpoint.put("model_names", c.endpoint().models().size() > 1 ? c.endpoint().models()
        : List.of(c.endpoint().model().orElse("")));
    if (c.endpoint().models().size() > 1) {
      endpoint.put("model_selection_strategy", c.endpoint().modelSelectionStrategy());
    }
    endpoint.put("type", c.endpoint().type());
    endpoint.put("streaming", c.endpoint().streaming());
    endpoint.put("urls", List.of(c.endpoint().url()));
    c.endpoint().path().ifPresent(p -> endpoint.put("custom_endpoint", p));
    // Keys only, never values: headers and extra inputs may carry secrets.
    if (!c.endpoint().headers().isEmpty()) {
      endpoint.put("header_names", List.copyOf(c.endpoint().headers().keySet()));
    }
    endpoint.put("timeout", c.endpoint().requestTimeout().toMillis() / 1000.0);
    if (c.endpoint().useServerTokenCount()) {
      endpoint.put("use_server_token_count", true);
    }
    if (c.endpoint().useLegacyMaxTokens()) {
      endpoint.put("use_legacy_max_tokens", true);
    }
    Map<String, Object> input = new LinkedHashMap<>();
    if (!c.endpoint().extraInputs().isEmpty()) {
      input.put("extra_names", List.copyOf(c.endpoint().extraInputs().keySet()));
    }
    if (c.dataset() instanceof SyntheticDataset s) {
      Map<String, Object> prompt = new LinkedHashMap<>();
      prompt.put("input_tokens", ordered("mean", s.inputTokensMean(), "stddev",
          s.inputTokensStddev()));
      if (s.outputTokensMean().isPresent()) {
        prompt.put("output_tokens", ordered("mean", s.outputTokensMean().getAsDouble(),
            "stddev", s.outputTokensStddev()));
      }
      input.put("prompt", prompt);
      input.put("random_seed", result.seed());
    }
    if (c.dataset() instanceof io.aiperf.api.FileDataset f) {
      input.put("file", f.path().toString());
      input.put(f.type().equals("sharegpt") ? "public_dataset" : "custom_dataset_type",
          f.type());
    }
    c.dataset().samplingStrategy().ifPresent(v -> input.put("dataset_sampling_strategy", v));
    Map<String, Object> loadgen = new LinkedHashMap<>();
    loadgen.put("concurrency", c.concurrency());
    loadgen.put("arrival_pattern", "concurrency_burst");
    loadgen.put("request_count", c.requestCount());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("endpoint", endpoint);
    config.put("input", input);
    config.put("tokenizer", ordered("name", EngineSupport.tokenizerName(c)));
    config.put("loadgen", loadgen);
    c.artifactDir().ifPresent(d -> config.put("output",
        ordered("artifact_directory", d.toString())));
    config.put("workers", ordered("max", c.workers(), "record_processors",
        c.recordProcessors()));
    if (!c.commandLine().isEmpty()) {
      config.put("cli_command", ExportSupport.commandLine(c.commandLine()));
    }
    config.put("benchmark_id", benchmarkId);
    return config;
  }
}
