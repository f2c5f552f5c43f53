package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.spi.MetricFlag;
import io.aiperf.api.spi.MetricInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/metrics.md}, the table of every built-in metric, is made from the metrics
 * themselves and AIPerf 0.13's registry; {@code -Daiperf.writeMetricsDoc=true} rewrites it. So a
 * metric added without its row, or a row left for a metric removed, fails the build.
 */
final class MetricsDocTest {
  private static final Set<String> RUN_BOUNDS =
      Set.of("min_request_timestamp", "max_response_timestamp");

  /** AIPerf 0.13's registry: tag to its header (the dump AiperfHeadersTest reads too). */
  private static Map<String, String> aiperf() throws IOException {
    Map<String, String> byTag = new LinkedHashMap<>();
    try (InputStream in = Objects.requireNonNull(MetricsDocTest.class.getResourceAsStream(
        "/aiperf-0.13/metric-registry.tsv"), "the registry dump");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      r.readLine();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split("\t", -1);
        byTag.put(f[0], f[1]);
      }
    }
    return byTag;
  }

  private static String when(Set<MetricFlag> flags) {
    List<String> words = new ArrayList<>();
    if (flags.contains(MetricFlag.STREAMING_ONLY)) {
      words.add("streamed responses");
    }
    if (flags.contains(MetricFlag.PRODUCES_TOKENS_ONLY)) {
      words.add("token-producing endpoints");
    }
    if (flags.contains(MetricFlag.OPEN_LOOP_ONLY)) {
      words.add("open-loop runs");
    }
    if (flags.contains(MetricFlag.ERROR_ONLY)) {
      words.add("failed requests");
    }
    if (flags.contains(MetricFlag.HTTP_TRACE)) {
      words.add("HTTP trace");
    }
    if (flags.contains(MetricFlag.NO_CONSOLE)) {
      words.add("exports only");
    }
    if (flags.contains(MetricFlag.PERCENTILE_INCLUDES_FAILED)) {
      words.add("also `adj_` (failed = +inf)");
    }
    return String.join("; ", words);
  }

  private static String doc() throws IOException {
    Map<String, String> aiperf = aiperf();
    CoreMetricProvider core = new CoreMetricProvider();
    StringBuilder md = new StringBuilder("# Metrics\n\n")
        .append("Every built-in metric (`CoreMetricProvider`), in console order. Made by\n")
        .append("`MetricsDocTest` (aiperf-engine) from the metrics and AIPerf 0.13's registry;\n")
        .append("`-Daiperf.writeMetricsDoc=true` rewrites it. \"per request\" metrics are computed\n")
        .append("for each request and summarized (avg, min, max, percentiles, std); \"per run\"\n")
        .append("ones once from the others. The time-weighted metrics (concurrency, tokens in\n")
        .append("flight, ...) are in the README, \"Time-weighted metrics\".\n\n")
        .append("| tag | header | unit | kind | applies to / shown | AIPerf 0.13 |\n")
        .append("|---|---|---|---|---|---|\n");
    Set<String> ours = new TreeSet<>();
    List<MetricInfo> perRequest = new ArrayList<>();
    core.recordMetrics().forEach(m -> perRequest.add(m.info()));
    List<MetricInfo> perRun = new ArrayList<>();
    core.derivedMetrics().forEach(m -> perRun.add(m.info()));
    for (List<MetricInfo> kind : List.of(perRequest, perRun)) {
      List<MetricInfo> sorted = new ArrayList<>(kind);
      sorted.sort(java.util.Comparator.comparingInt(MetricInfo::displayOrder)
          .thenComparing(MetricInfo::tag));
      for (MetricInfo i : sorted) {
        ours.add(i.tag());
        md.append("| `").append(i.tag()).append("` | ").append(i.header()).append(" | ")
            .append(i.unit().isEmpty() ? "-" : i.unit()).append(" | ")
            .append(kind == perRequest ? "per request" : "per run").append(" | ")
            .append(when(i.flags())).append(" | ")
            .append(aiperf.containsKey(i.tag()) ? "yes" : "aiperf-java's own").append(" |\n");
      }
    }
    List<String> missing = new ArrayList<>();
    List<String> elsewhere = new ArrayList<>();
    aiperf.forEach((tag, header) -> {
      boolean adjusted = tag.startsWith("adj_") && ours.contains(tag.substring(4));
      if (ours.contains(tag) || adjusted) {
        return;
      }
      // Computed outside the per-request pipeline: from GPU telemetry, or as the run's bounds.
      (tag.startsWith("nvidia_") || RUN_BOUNDS.contains(tag) ? elsewhere : missing)
          .add("`" + tag + "`");
    });
    md.append("\nError-adjusted variants (`adj_<tag>`) are reported for the metrics marked so.\n");
    md.append("\nAIPerf 0.13 metrics computed elsewhere (").append(elsewhere.size()).append("): ")
        .append(String.join(", ", elsewhere)).append(": the energy efficiency from NVIDIA GPU")
        .append(" telemetry (README, \"Server metrics and GPU telemetry\"), and the run's first")
        .append(" request and last response in the JSON export.\n");
    md.append("\nAIPerf 0.13 metrics not computed (").append(missing.size()).append("): ")
        .append(missing.isEmpty() ? "none" : String.join(", ", missing)).append(".\n");
    return md.toString();
  }

  @Test
  void metricsDoc_isCurrent() throws IOException {
    Path file = Path.of("..", "docs", "metrics.md");
    String expected = doc();
    if (Boolean.getBoolean("aiperf.writeMetricsDoc")) {
      Files.writeString(file, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "")
        .as("docs/metrics.md is made by MetricsDocTest; rerun it with"
            + " -Daiperf.writeMetricsDoc=true and commit the file")
        .isEqualTo(expected);
  }
}
