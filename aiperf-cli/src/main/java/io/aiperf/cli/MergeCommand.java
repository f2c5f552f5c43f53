package io.aiperf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.spi.ExporterProvider;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.Plugins;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code aiperf merge}: merges the exports of runs made side by side (several hosts, or a run in
 * parts) into one, through the HdrHistograms each export carries.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = "Merge export directories (profile_export_aiperf.json with hdr_histogram) into one.")
final class MergeCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILE = "profile_export_aiperf.json";

  @Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
  CommandSpec spec;

  @Parameters(arity = "2..*", paramLabel = "DIR", description = "Export directories to merge.")
  @SuppressWarnings("NullAway.Init") // required: picocli sets it before call()
  List<Path> inputs;

  @Option(names = {"-o", "--output"}, required = true, description = "Directory for the merged exports.")
  @SuppressWarnings("NullAway.Init") // required: picocli sets it before call()
  Path output;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    List<BenchmarkResult> results = new ArrayList<>();
    for (Path dir : inputs) {
      Path file = dir.resolve(FILE);
      try {
        results.add(read(file));
      } catch (IOException | RuntimeException e) {
        err.println("Error: " + file + " cannot be merged: " + e.getMessage());
        err.flush();
        return AiperfCommand.EXIT_USAGE;
      }
    }
    BenchmarkResult merged = Benchmark.merge(results);
    BenchmarkConfig config = merged.config().toBuilder().artifactDir(output)
        .exporters("console", "json", "csv").build();
    BenchmarkResult out = new BenchmarkResult(config, merged.metricsTitle(), merged.metrics(),
        merged.errors(), merged.requestsSent(), merged.requestsCompleted(),
        merged.requestsFailed(), merged.requestsCancelled(), merged.startTime(),
        merged.endTime(), merged.wasCancelled(), merged.seed(), merged.warnings(),
        Optional.of(output), merged.histograms());
    var context = new ExporterProvider.Context(Optional.of(output),
        Optional.of(spec.commandLine().getOut()));
    for (String name : config.exporters()) {
      try {
        Plugins.select(ExporterProvider.class, name).export(out, context);
      } catch (IOException e) {
        err.println("Error: writing the merged " + name + " export failed: " + e.getMessage());
        return AiperfCommand.EXIT_FAILED;
      }
    }
    return 0;
  }

  /** Reads one export back into a result: its metrics, histograms, errors and times. */
  static BenchmarkResult read(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new IOException("the file does not exist or cannot be read");
    }
    JsonNode doc = JSON.readTree(file.toFile());
    Map<String, MetricInfo> infos = new HashMap<>();
    for (MetricProvider p : Plugins.all(MetricProvider.class)) {
      p.recordMetrics().forEach(m -> infos.put(m.info().tag(), m.info()));
      p.derivedMetrics().forEach(m -> infos.put(m.info().tag(), m.info()));
    }
    List<MetricResult> metrics = new ArrayList<>();
    Map<String, String> histograms = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode block = e.getValue();
      if (!block.isObject() || !block.has("unit") || !block.has("avg")) {
        continue; // input_config, error_summary, adj_* blocks, ...
      }
      String tag = e.getKey();
      MetricInfo info = infos.get(tag);
      String header = info == null ? tag : info.header();
      String unit = block.get("unit").asText();
      if (!block.has("p50")) {
        metrics.add(MetricResult.scalar(new MetricTag(tag), header, unit,
            block.get("avg").asDouble()));
        continue;
      }
      if (!block.has("hdr_histogram") && !block.has("count")) {
        // AIPerf's time-weighted metrics (effective_*, active_*, tokens_in_flight) describe a
        // curve over the run's time, not values: no histogram rebuilds them across runs.
        continue;
      }
      if (!block.has("hdr_histogram")) {
        throw new IOException("metric '" + tag + "' has no hdr_histogram; only exports of"
            + " aiperf-java can be merged exactly");
      }
      metrics.add(new MetricResult(new MetricTag(tag), header, unit, false,
          block.path("count").asLong(), d(block, "avg"), d(block, "min"), d(block, "max"),
          d(block, "sum"), d(block, "std"), d(block, "p1"), d(block, "p5"), d(block, "p10"),
          d(block, "p25"), d(block, "p50"), d(block, "p75"), d(block, "p90"), d(block, "p95"),
          d(block, "p99")));
      histograms.put(tag, block.get("hdr_histogram").asText());
    }
    List<ErrorSummary> errors = new ArrayList<>();
    for (JsonNode item : doc.path("error_summary")) {
      JsonNode details = item.path("error_details");
      errors.add(new ErrorSummary(details.path("code").asInt(0), details.path("type").asText(""),
          details.path("message").asText(""), item.path("count").asLong()));
    }
    JsonNode endpoint = doc.path("input_config").path("endpoint");
    BenchmarkConfig config = Benchmark.builder()
        .endpoint(Endpoints.of(endpoint.path("type").asText("chat"),
                endpoint.path("urls").path(0).asText("http://localhost:8000"))
            .model(endpoint.path("model_names").path(0).asText("unknown"))
            .streaming(endpoint.path("streaming").asBoolean(false)))
        .build();
    long completed = (long) doc.path("request_count").path("avg").asDouble(0);
    long failed = (long) doc.path("error_request_count").path("avg").asDouble(0);
    return new BenchmarkResult(config, "LLM Metrics", metrics, errors, completed + failed,
        completed, failed, 0, instant(doc.path("start_time").asText()),
        instant(doc.path("end_time").asText()), doc.path("was_cancelled").asBoolean(false),
        doc.path("input_config").path("input").path("random_seed").asLong(0), List.of(),
        Optional.empty(), histograms);
  }

  private static double d(JsonNode block, String key) {
    return block.has(key) ? block.get(key).asDouble() : Double.NaN;
  }

  /** AIPerf's times are local and without a zone, as written by this machine. */
  private static Instant instant(String text) {
    return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
  }
}
