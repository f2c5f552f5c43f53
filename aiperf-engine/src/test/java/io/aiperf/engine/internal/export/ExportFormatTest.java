package io.aiperf.engine.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** AIPerf's export formats, checked against files AIPerf 0.6 and 0.13 wrote. */
final class ExportFormatTest {
  private static MetricResult dist(String tag, String header, String unit, double base) {
    return new MetricResult(new MetricTag(tag), header, unit, false, 10, base, base - 1, base + 9,
        base * 10, 2.5, base - 0.9, base - 0.5, base, base + 1, base + 2, base + 3, base + 4,
        base + 5, base + 8.9);
  }

  private static BenchmarkResult result(List<ErrorSummary> errors) {
    BenchmarkConfig config = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("demo").streaming(true)
            .apiKey("sk-never-exported"))
        .concurrency(2).requestCount(10)
        .dataset(Datasets.synthetic().seed(7))
        .commandLine(List.of("profile", "--model", "demo", "--streaming"))
        .build();
    List<MetricResult> metrics = List.of(
        dist("time_to_first_token", "Time to First Token", "ms", 20),
        dist("request_latency", "Request Latency", "ms", 515),
        dist("output_token_throughput_per_user", "Output Token Throughput Per User",
            "tokens/sec/user", 200),
        MetricResult.scalar(new MetricTag("output_token_throughput"), "Output Token Throughput",
            "tokens/sec", 19309.5),
        MetricResult.scalar(new MetricTag("request_throughput"), "Request Throughput",
            "requests/sec", 36.697374834208595),
        MetricResult.scalar(new MetricTag("request_count"), "Request Count", "requests", 10),
        MetricResult.scalar(new MetricTag("benchmark_duration"), "Benchmark Duration", "sec",
            0.272499056));
    return new BenchmarkResult(config, "LLM Metrics", metrics, errors, 10, 10, 0, 0,
        Instant.parse("2026-11-30T03:15:44.241866Z"), Instant.parse("2026-11-30T03:15:45Z"), false,
        7, List.of(), Optional.empty(), java.util.Map.of());
  }

  @Test
  void numbers_areFormattedAsAiperfFormatsThem() {
    assertThat(ExportSupport.twoDecimals(19309.5, true)).isEqualTo("19,309.50");
    assertThat(ExportSupport.twoDecimals(1234567.891, true)).isEqualTo("1,234,567.89");
    assertThat(ExportSupport.twoDecimals(0.07, true)).isEqualTo("0.07");
    // Python rounds the exact binary value: 2.675 is 2.67499999... so it rounds down.
    assertThat(ExportSupport.twoDecimals(2.675, false)).isEqualTo("2.67");
    assertThat(ExportSupport.twoDecimals(-1234.5, true)).isEqualTo("-1,234.50");
    // As Python's "%.2f": the sign of a negative value that rounds to zero stays.
    assertThat(ExportSupport.twoDecimals(-0.001, false)).isEqualTo("-0.00");
    assertThat(ExportSupport.twoDecimals(-0.0, true)).isEqualTo("-0.00");
    assertThat(ExportSupport.twoDecimals(0.004, false)).isEqualTo("0.00");
    assertThat(ExportSupport.jsonNumber(10.0)).isEqualTo("10.0");
    assertThat(ExportSupport.jsonNumber(5500.0)).isEqualTo("5500.0");
    assertThat(ExportSupport.jsonNumber(0.30000000000000004)).isEqualTo("0.30000000000000004");
    assertThat(ExportSupport.jsonNumber(1.7960085442466028e18)).isEqualTo("1.7960085442466028e+18");
    assertThat(ExportSupport.jsonNumber(1e16)).isEqualTo("1e+16");
    assertThat(ExportSupport.jsonNumber(0.00001)).isEqualTo("0.00001");
    assertThat(ExportSupport.jsonNumber(2.5e-7)).isEqualTo("2.5e-7");
    assertThat(ExportSupport.jsonNumber(22.7869816)).isEqualTo("22.7869816");
  }

  @Test
  void json_hasAiperfKeysInAiperfOrder_andNeverTheApiKey() throws Exception {
    String text = JsonWriter.write(JsonExporter.document(result(List.of())));
    assertThat(text).doesNotEndWith("\n").contains("\"unit\": \"ms\"")
        .doesNotContain("sk-never-exported").doesNotContain("null");
    JsonNode json = new ObjectMapper().readTree(text);
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("schema_version", "aiperf_version", "benchmark_id",
        "request_throughput", "request_latency", "request_count", "time_to_first_token",
        "output_token_throughput", "output_token_throughput_per_user", "benchmark_duration",
        "input_config", "run_info", "was_cancelled", "is_complete", "error_summary",
        "start_time", "end_time");
    assertThat(json.get("schema_version").asText()).isEqualTo("1.4");
    assertThat(json.get("benchmark_id").asText()).matches("[0-9a-f]{12}")
        .isEqualTo(json.at("/run_info/benchmark_id").asText());
    List<String> stats = new ArrayList<>();
    json.get("time_to_first_token").fieldNames().forEachRemaining(stats::add);
    assertThat(stats).containsExactly("unit", "avg", "p1", "p5", "p10", "p25", "p50", "p75",
        "p90", "p95", "p99", "min", "max", "std", "count", "sum");
    Iterator<String> scalar = json.get("request_count").fieldNames();
    assertThat(List.of(scalar.next(), scalar.next())).containsExactly("unit", "avg");
    assertThat(scalar.hasNext()).isFalse();
    assertThat(json.get("request_count").get("avg").asText()).isEqualTo("10.0");
    assertThat(json.get("error_summary").isArray()).isTrue();
    assertThat(json.get("error_summary")).isEmpty();
    assertThat(json.at("/run_info/cli_command").asText())
        .isEqualTo("aiperf profile --model 'demo' --streaming");
    // AIPerf 0.13's config layout, which its loader validates with no unknown key allowed.
    JsonNode config = json.get("input_config");
    List<String> sections = new ArrayList<>();
    config.fieldNames().forEachRemaining(sections::add);
    assertThat(sections).containsExactly("models", "endpoint", "datasets", "phases",
        "artifacts", "tokenizer", "gpu_telemetry", "server_metrics", "runtime");
    // Off unless asked for, as AIPerf writes a disabled section.
    assertThat(config.at("/server_metrics").toString()).isEqualTo("{\"enabled\":false}");
    assertThat(config.at("/models/items/0/name").asText()).isEqualTo("demo");
    assertThat(config.at("/endpoint/streaming").asBoolean()).isTrue();
    assertThat(config.at("/phases/0/type").asText()).isEqualTo("concurrency");
    assertThat(json.get("start_time").asText()).matches(
        "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.241866");
    assertThat(json.get("end_time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
  }

  @Test
  void json_errorSummary_hasAiperfShape() throws Exception {
    String text = JsonWriter.write(JsonExporter.document(result(List.of(
        new ErrorSummary(500, "Internal Server Error", "{\"error\": \"boom\"}", 2)))));
    JsonNode item = new ObjectMapper().readTree(text).get("error_summary").get(0);
    assertThat(item.get("error_details").get("code").asInt()).isEqualTo(500);
    assertThat(item.get("error_details").get("type").asText()).isEqualTo("Internal Server Error");
    assertThat(item.get("error_details").get("message").asText()).isEqualTo("{\"error\": \"boom\"}");
    assertThat(item.get("count").asInt()).isEqualTo(2);
  }

  @Test
  void jsonWriter_layoutMatchesOrjsonIndent2() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("a", List.of());
    doc.put("b", Map.of());
    doc.put("c", List.of(1, "x"));
    doc.put("skipped", null);
    doc.put("é", "ünï");
    assertThat(JsonWriter.write(doc)).isEqualTo(
        "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    \"x\"\n  ],\n  \"é\": \"ünï\"\n}");
  }

  @Test
  void json_leavesOutStatisticsWithoutAFiniteValue() {
    double inf = Double.POSITIVE_INFINITY;
    var adj = new MetricResult(new MetricTag("adj_request_latency"),
        "Request Latency (error-adjusted)", "ms", false, 6, Double.NaN, 31.5, inf, Double.NaN,
        Double.NaN, 31.5, 31.5, 31.5, 31.6, 36.7, inf, inf, inf, inf);
    var block = JsonExporter.metric(adj);
    assertThat(block.keySet()).containsExactly("unit", "p1", "p5", "p10", "p25", "p50", "min",
        "count");
    assertThat(CsvExporter.render(new BenchmarkResult(result(List.of()).config(), "LLM Metrics",
        List.of(adj), List.of(), 6, 4, 2, 0, Instant.EPOCH, Instant.EPOCH, false, 1, List.of(),
        Optional.empty(), java.util.Map.of())))
        .isEqualTo("Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,p95,p99,std\r\n"
            + "Request Latency (error-adjusted) (ms),,31.50,,,31.50,31.50,31.50,31.60,36.70,,,,,"
            + "\r\n");
  }

  @Test
  void csv_hasAiperfSections_sortedByTag_withCrlf() {
    String csv = CsvExporter.render(result(List.of()));
    String[] lines = csv.split("\r\n", -1);
    assertThat(lines[0])
        .isEqualTo("Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,p95,p99,std");
    assertThat(lines[1]).startsWith("Output Token Throughput Per User (tokens/sec/user),200.00,");
    assertThat(lines[2]).startsWith("Request Latency (ms),515.00,514.00,524.00,5150.00,514.10,");
    assertThat(lines[3]).isEqualTo(
        "Time to First Token (ms),20.00,19.00,29.00,200.00,19.10,19.50,20.00,21.00,22.00,23.00,"
            + "24.00,25.00,28.90,2.50");
    assertThat(lines[4]).isEmpty();
    assertThat(lines[5]).isEqualTo("Metric,Value");
    assertThat(lines[6]).isEqualTo("Benchmark Duration (sec),0.27");
    assertThat(lines[7]).isEqualTo("Output Token Throughput (tokens/sec),19309.50");
    assertThat(lines[8]).isEqualTo("Request Count,10.00");
    assertThat(lines[9]).isEqualTo("Request Throughput (requests/sec),36.70");
    assertThat(lines[10]).isEmpty();
    assertThat(lines).hasSize(11);
  }

  @Test
  void console_matchesAiperfTable() {
    String table = ConsoleExporter.render(result(List.of()));
    assertThat(table).contains("NVIDIA AIPerf | LLM Metrics")
        .contains("┃                               Metric ┃")
        .contains("│             Time to First Token (ms) │     20.00 │  19.00 │")
        .contains("│     Output Token Throughput Per User │")
        .contains("│                    (tokens/sec/user) │           │")
        .contains("19,309.50 │")
        .contains("CLI Command: aiperf profile --model 'demo' --streaming")
        .contains("Benchmark Duration: 0.27 sec")
        .doesNotContain("Benchmark Duration (sec)");
    // Scalar rows show N/A in every column but avg.
    String countRow = table.lines().filter(l -> l.contains("Request Count (requests)"))
        .findFirst().orElseThrow();
    assertThat(countRow.split("N/A", -1)).hasSize(7);
    // Rows keep the result's display order.
    assertThat(table.indexOf("Time to First Token")).isLessThan(table.indexOf("Request Latency"));
  }

  @Test
  void console_showsTheErrorSummary() {
    String table = ConsoleExporter.render(result(List.of(
        new ErrorSummary(500, "Internal Server Error", "boom", 1_234))));
    assertThat(table).contains("NVIDIA AIPerf | Error Summary")
        .contains("│  500 │ Internal Server Error │ boom    │ 1,234 │");
  }
}
