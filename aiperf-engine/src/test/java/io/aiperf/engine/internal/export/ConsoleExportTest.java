package io.aiperf.engine.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.spi.ExporterProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console tables and {@code profile_export_console.txt} against text AIPerf 0.13 wrote (the
 * chat-errors run) and text rich, which AIPerf prints with, laid out at 140 columns.
 */
final class ConsoleExportTest {
  private static final String MOCK_ERROR =
      "{\"error\":{\"message\":\"Mock server injected error\",\"type\":\"server_error\","
          + "\"code\":500}}";

  private static String resource(String name) throws IOException {
    try (InputStream in = Objects.requireNonNull(
        ConsoleExportTest.class.getResourceAsStream("/aiperf-0.13/" + name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The lines of the table with this title in a console text, title line to bottom border. */
  private static String block(String text, String title) {
    List<String> lines = text.lines().toList();
    int from = 0;
    while (!lines.get(from).strip().equals(title)) {
      from++;
    }
    int to = from;
    while (!lines.get(to).startsWith("└")) {
      to++;
    }
    return String.join("\n", lines.subList(from, to + 1)) + "\n";
  }

  private static BenchmarkResult result(List<MetricResult> metrics, List<ErrorSummary> errors,
      List<String> warnings, Optional<Path> dir) {
    Benchmark.Builder b = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("demo").streaming(true))
        .concurrency(2).requestCount(10).dataset(Datasets.synthetic().seed(7))
        .exporters("console", "json", "csv")
        .commandLine(List.of("profile", "--model", "demo", "--streaming"));
    dir.ifPresent(b::artifactDir);
    BenchmarkConfig config = b.build();
    return new BenchmarkResult(config, "LLM Metrics", metrics, errors, 80, 69, 11, 0,
        Instant.EPOCH, Instant.EPOCH, false, 7, warnings, dir, Map.of());
  }

  private static MetricResult scalar(String tag, String header, String unit, double v) {
    return MetricResult.scalar(new MetricTag(tag), header, unit, v);
  }

  @Test
  void errorSummary_isAiperfsToTheCharacter() throws IOException {
    String aiperf = resource("chat-errors.profile_export_console.txt");
    String ours = ConsoleExporter.tables(result(List.of(), List.of(
        new ErrorSummary(500, "Internal Server Error", MOCK_ERROR, 11)), List.of(),
        Optional.empty()));
    // Both start with two blank lines, then the table.
    String expected = aiperf.substring(0, aiperf.indexOf('└'));
    assertThat(ours).startsWith(expected);
    assertThat(block(ours, "NVIDIA AIPerf | Error Summary"))
        .isEqualTo(block(aiperf, "NVIDIA AIPerf | Error Summary"));
  }

  @Test
  void metricTables_areLaidOutAsAiperfLaysThemOut() throws IOException {
    String aiperf = resource("chat-errors.profile_export_console.txt");
    ConsoleTable active = new ConsoleTable("NVIDIA AIPerf | LLM Metrics: Active",
        new String[] {"Metric", "avg", "min", "max", "p99", "p90", "p50", "std"},
        new boolean[] {true, true, true, true, true, true, true, true});
    active.add(new String[] {"Active Decode Throughput (tokens/sec)", "3,016.91", "0.00",
        "53,761.01", "8,785.19", "4,505.22", "3,319.94", "2,167.28"});
    active.add(new String[] {"Active Prefill Throughput (tokens/sec)", "6,773.33", "414.70",
        "19,052.03", "18,654.19", "13,972.61", "4,738.18", "5,045.39"});
    active.add(new String[] {"Active Decode Throughput Per User\n(tokens/sec/user)", "981.82",
        "0.00", "26,945.96", "3,970.23", "1,202.19", "1,036.79", "856.66"});
    active.add(new String[] {"Active Prefill Throughput Per User\n(tokens/sec/user)",
        "3,126.35", "407.34", "4,820.15", "4,804.38", "4,724.60", "4,218.37", "1,813.64"});
    active.add(new String[] {"Active Total Throughput (tokens/sec)", "5,587.04", "424.74",
        "19,052.03", "18,023.58", "11,780.11", "4,115.87", "4,118.84"});
    assertThat(active.render(ConsoleExporter.WIDTH))
        .isEqualTo(block(aiperf, "NVIDIA AIPerf | LLM Metrics: Active"));
  }

  @Test
  void aTableWiderThanTheConsole_isNarrowedAndWrapped_asRichDoes() throws IOException {
    String rich = resource("rich-140-wide-error-table.txt");
    String message = "upstream connect error or disconnect/reset before headers. reset reason:"
        + " connection termination, retried 3 times over 30 s while the model was loading its"
        + " weights from a network volume that answered slowly; see https://example.invalid/a/"
        + "very/long/path/that/does/not/break/anywhere/at/all/because/it/has/no/spaces/in/it/"
        + "whatsoever";
    String table = ConsoleExporter.errorTable(List.of(
        new ErrorSummary(503, "Service Unavailable", message, 1_234),
        new ErrorSummary(0, "ReadTimeout", "first line\nsecond line of a two-line message", 7)))
        .render(ConsoleExporter.WIDTH);
    assertThat(table).isEqualTo(block(rich, "NVIDIA AIPerf | Error Summary"));
    assertThat(table.lines()).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(140));
    // Printed text wraps at 140 too, keeping the space before each break, as rich does.
    String hint = rich.substring(rich.indexOf("Token usage"));
    assertThat(String.join("\n", ConsoleTable.wrap(hint.strip(), 140, true)) + "\n")
        .isEqualTo(hint);
  }

  @Test
  void errorAdjustedRows_showNaWhereAiperfHasNoValue() {
    double inf = Double.POSITIVE_INFINITY;
    var adj = new MetricResult(new MetricTag("adj_request_latency"),
        "Request Latency (error-adjusted)", "ms", false, 80, Double.NaN, 98.89, inf, Double.NaN,
        Double.NaN, 98.9, 99.04, 99.2, 99.92, 100.99, 106.74, inf, inf, inf);
    String table = ConsoleExporter.tables(result(List.of(adj,
        scalar("request_count", "Request Count", "requests", 69)), List.of(), List.of(),
        Optional.empty()));
    assertThat(table).containsPattern("│ +Request Latency \\(error-adjusted\\) │ +N/A │ +98\\.89 │"
        + " +N/A │ +N/A │ +N/A │ +100\\.99 │ +N/A │\n│ +\\(ms\\) │")
        // AIPerf orders rows by display order; the adj_* ones have none and come last.
        .containsPattern("Request Count \\(requests\\)[^\n]*\n[^\n]*Request Latency \\(error");
  }

  @Test
  void consoleText_isWrittenToTheArtifactDirectory_withoutTheFooter(@TempDir Path dir)
      throws IOException {
    BenchmarkResult r = result(List.of(scalar("request_count", "Request Count", "requests", 69)),
        List.of(new ErrorSummary(500, "Internal Server Error", "boom", 11)),
        List.of("The server was slow. " + "Very slow indeed. ".repeat(10)), Optional.of(dir));
    StringWriter console = new StringWriter();
    new ConsoleExporter().export(r, new ExporterProvider.Context(Optional.of(dir),
        Optional.of(new PrintWriter(console))));
    String file = Files.readString(dir.resolve("profile_export_console.txt"));
    assertThat(file).startsWith("\n\n").doesNotContain("\u001b").doesNotContain("CLI Command")
        .contains("NVIDIA AIPerf | Error Summary", "NVIDIA AIPerf | LLM Metrics");
    // Error summary, then the metrics, then the warnings, each line at most 140 columns.
    assertThat(file.indexOf("Error Summary")).isLessThan(file.indexOf("LLM Metrics"));
    assertThat(file.indexOf("LLM Metrics")).isLessThan(file.indexOf("Warning: The server"));
    assertThat(file.lines()).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(140));
    assertThat(file).contains("\n\nWarning: The server was slow. Very slow indeed.");
    // The console shows the same, then the footer.
    assertThat(console.toString()).startsWith(file)
        .contains("CLI Command: aiperf profile --model 'demo' --streaming")
        .contains("CSV Export: " + dir.toAbsolutePath().resolve("profile_export_aiperf.csv"));
  }

  @Test
  void consoleText_followsTheExportPrefix(@TempDir Path dir) throws IOException {
    BenchmarkConfig config = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("demo"))
        .artifactDir(dir).exportPrefix("run1").build();
    assertThat(ConsoleExporter.fileName(config)).isEqualTo("run1_console.txt");
  }
}
