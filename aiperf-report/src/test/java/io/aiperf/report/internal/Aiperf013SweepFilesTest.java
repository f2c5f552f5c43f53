package io.aiperf.report.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.ReportOutput;
import io.aiperf.api.Reports;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep and aggregate files of real AIPerf 0.13.0 runs (see the README beside them): a
 * sweep of concurrencies 1, 2 and 4 with two runs each, and two runs of one concurrency, laid
 * out as AIPerf writes them. The charts read them as they read aiperf-java's own.
 */
final class Aiperf013SweepFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SWEEP = "sweep/aggregate/sweep_aggregate/"
      + "profile_export_aiperf_sweep.json";
  private static final String REPEATS = "repeats/aggregate/profile_export_aiperf_aggregate.json";
  private static final Pattern DATA = Pattern.compile(
      "<script type=\"application/json\" id=\"aiperf-data\">(.*?)</script>", Pattern.DOTALL);

  /** Unpacks a kept file into {@code dir} at AIPerf's path. */
  private static Path unpack(Path dir, String path) throws IOException {
    Path out = dir.resolve(path);
    Files.createDirectories(out.getParent());
    try (InputStream in = new GZIPInputStream(Objects.requireNonNull(
        Aiperf013SweepFilesTest.class.getResourceAsStream("aiperf-0.13/" + path + ".gz"), path))) {
      Files.copy(in, out);
    }
    return out;
  }

  private static JsonNode charts(Path html) throws IOException {
    Matcher m = DATA.matcher(Files.readString(html));
    assertThat(m.find()).isTrue();
    return JSON.readTree(m.group(1).replace("<\\/", "</")).get("charts");
  }

  @Test
  void aiperfsSweepDirectory_drawsThePareto_andTheLatencyWithItsIntervals(@TempDir Path dir)
      throws Exception {
    JsonNode file = JSON.readTree(unpack(dir, SWEEP).toFile());
    Path sweep = dir.resolve("sweep");

    ReportOutput pngs = Reports.of(sweep).writePngs(dir.resolve("plots"));
    ReportOutput html = Reports.of(sweep).writeHtml(dir.resolve("report.html"));

    assertThat(pngs.notes()).isEmpty();
    assertThat(pngs.files()).extracting(p -> p.getFileName().toString()).containsExactly(
        "sweep_pareto_throughput_vs_latency.png", "sweep_latency_vs_throughput.png");
    for (Path png : pngs.files()) {
      assertThat(Images.variance(png)).as("pixel variance of %s", png).isGreaterThan(100);
    }
    assertThat(Files.readString(html.files().get(0))).contains("sweep: 3 points",
        "the bars are 95% confidence intervals");
    JsonNode charts = charts(html.files().get(0));

    // Latency vs throughput: x is each point's mean throughput, ascending; TTFT's bars are the
    // file's own intervals (two runs: t = 12.7, so wide ones).
    List<JsonNode> rows = new ArrayList<>();
    file.get("per_combination_metrics").forEach(rows::add);
    rows.sort(Comparator.comparingDouble(r -> r.at("/metrics/request_throughput_avg/mean")
        .asDouble()));
    JsonNode latency = charts.get(1);
    JsonNode ttftBars = latency.at("/errors/0");
    for (int i = 0; i < rows.size(); i++) {
      JsonNode ttft = rows.get(i).at("/metrics/time_to_first_token_avg");
      assertSame(latency.at("/data/0/" + i).asDouble(),
          rows.get(i).at("/metrics/request_throughput_avg/mean").asDouble());
      assertSame(latency.at("/data/1/" + i).asDouble(), ttft.get("mean").asDouble());
      assertSame(ttftBars.at("/lo/" + i).asDouble(), ttft.get("ci_low").asDouble());
      assertSame(ttftBars.at("/hi/" + i).asDouble(), ttft.get("ci_high").asDouble());
    }

    // The Pareto front is the one AIPerf computed into the same file.
    JsonNode pareto = charts.get(0);
    List<String> front = new ArrayList<>();
    int frontColumn = pareto.get("series").size();
    JsonNode x = pareto.at("/data/0");
    for (int row = 0; row < x.size(); row++) {
      JsonNode y = pareto.at("/data/" + frontColumn + "/" + row);
      if (y.isNull()) {
        continue;
      }
      // Each series has rows of its own: the front's point is the series' point at the same x, y.
      for (int other = 0; other < x.size(); other++) {
        for (int s = 1; s < frontColumn; s++) {
          if (x.get(other).equals(x.get(row)) && pareto.at("/data/" + s + "/" + other).equals(y)) {
            front.add(pareto.at("/series/" + (s - 1) + "/label").asText());
          }
        }
      }
    }
    List<String> aiperfs = new ArrayList<>();
    file.get("pareto_optimal").forEach(p -> aiperfs.add("concurrency "
        + p.get("concurrency").asText()));
    assertThat(front).isNotEmpty().containsExactlyInAnyOrderElementsOf(aiperfs);
  }

  @Test
  void aiperfsRepeatedRuns_drawTheirAggregate(@TempDir Path dir) throws Exception {
    JsonNode file = JSON.readTree(unpack(dir, REPEATS).toFile());
    Path repeats = dir.resolve("repeats");

    ReportOutput pngs = Reports.of(repeats).writePngs(dir.resolve("plots"));
    ReportOutput html = Reports.of(repeats).writeHtml(dir.resolve("report.html"));

    assertThat(pngs.notes()).isEmpty();
    assertThat(pngs.files()).extracting(p -> p.getFileName().toString())
        .contains("sweep_latency_vs_throughput.png");
    for (Path png : pngs.files()) {
      assertThat(Images.variance(png)).as("pixel variance of %s", png).isGreaterThan(100);
    }
    assertThat(Files.readString(html.files().get(0))).contains("repeats: 1 configuration");
    JsonNode ttft = file.at("/metrics/time_to_first_token_avg");
    JsonNode bars = charts(html.files().get(0)).get(1).at("/errors/0");
    assertSame(bars.at("/lo/0").asDouble(), ttft.get("ci_low").asDouble());
    assertSame(bars.at("/hi/0").asDouble(), ttft.get("ci_high").asDouble());
  }

  /** The page keeps six significant digits of each number. */
  private static void assertSame(double onPage, double inFile) {
    assertThat(onPage).isCloseTo(inFile, org.assertj.core.data.Offset.offset(
        Math.abs(inFile) * 1e-5));
  }
}
