package io.aiperf.report.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.ReportOutput;
import io.aiperf.api.Reports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep and repeated-run charts, drawn from the files a sweep writes. */
final class SweepChartsTest {
  private static final Pattern DATA = Pattern.compile(
      "<script type=\"application/json\" id=\"aiperf-data\">(.*?)</script>", Pattern.DOTALL);

  /** A confidence metric as the sweep file holds it: mean and interval (half-width w). */
  private static String metric(String key, double mean, double w, String unit) {
    return String.format(Locale.ROOT, "\"%s\": {\"mean\": %s, \"std\": 1.0, \"min\": %s,"
        + " \"max\": %s, \"cv\": 0.05, \"ci_low\": %s, \"ci_high\": %s, \"unit\": \"%s\"}", key,
        mean, mean - w, mean + w, mean - w, mean + w, unit);
  }

  /**
   * Three concurrencies as profile_export_aiperf_sweep.json holds them after repeated runs:
   * throughput rising and saturating, latency rising; intervals {@code w} wide on each side.
   */
  static Path sweep(Path dir, double w) throws Exception {
    StringBuilder rows = new StringBuilder();
    int[] conc = {2, 8, 16};
    double[] rps = {45, 104, 143};
    double[] ttft = {23, 29, 62};
    for (int i = 0; i < 3; i++) {
      rows.append(i == 0 ? "" : ",").append("{\"parameters\": {\"concurrency\": ").append(conc[i])
          .append("}, \"metrics\": {")
          .append(metric("request_throughput_avg", rps[i], w / 4, "requests/sec")).append(", ")
          .append(metric("time_to_first_token_avg", ttft[i], w, "ms")).append(", ")
          .append(metric("time_to_first_token_p99", ttft[i] * 2, w * 2, "ms")).append(", ")
          .append(metric("request_latency_avg", ttft[i] + 40, w, "ms")).append(", ")
          .append(metric("inter_token_latency_avg", 2 + i, w / 10, "ms")).append("}}");
    }
    Path file = dir.resolve("sweep_aggregate/profile_export_aiperf_sweep.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"aggregation_type\": \"sweep\", \"num_profile_runs\": 6,"
        + " \"metadata\": {\"confidence_level\": 0.95, \"sweep_mode\": \"repeated\"},"
        + " \"per_combination_metrics\": [" + rows + "], \"pareto_optimal\": []}");
    return dir;
  }

  @Test
  void aSweepDirectory_drawsTheParetoAndTheLatencyWithErrorBars(@TempDir Path dir)
      throws Exception {
    Path wide = sweep(dir.resolve("wide"), 12);
    Path none = sweep(dir.resolve("none"), 0);

    ReportOutput out = Reports.of(wide).writePngs(dir.resolve("plots"));
    ReportOutput flat = Reports.of(none).writePngs(dir.resolve("flat"));

    assertThat(out.files()).extracting(p -> p.getFileName().toString()).containsExactly(
        "sweep_pareto_throughput_vs_latency.png", "sweep_latency_vs_throughput.png");
    assertThat(out.notes()).isEmpty();
    for (Path png : out.files()) {
      assertThat(Images.variance(png)).as("pixel variance of %s", png).isGreaterThan(100);
      assertThat(Images.colouredPixels(png)).as("coloured pixels of %s", png).isGreaterThan(50);
    }
    // The bars are drawn: the same points with wide intervals colour more pixels than without.
    long bars = Images.colouredPixels(dir.resolve("plots/sweep_latency_vs_throughput.png"));
    long noBars = Images.colouredPixels(dir.resolve("flat/sweep_latency_vs_throughput.png"));
    assertThat(flat.files()).hasSize(2);
    assertThat(bars).isGreaterThan(noBars + 500);
  }

  @Test
  void theHtmlReport_hasASweepSection_withTheIntervalsAsErrorBars(@TempDir Path dir)
      throws Exception {
    Path wide = sweep(dir.resolve("wide"), 12);
    Path file = dir.resolve("report.html");

    ReportOutput out = Reports.of(wide).writeHtml(file);

    assertThat(out.charts()).isEqualTo(2);
    String page = Files.readString(file);
    assertThat(page).contains("<section id=\"sweep-0\"><h2>wide: 3 points</h2>",
        "id=\"sweep0-sweep_pareto_throughput_vs_latency\"",
        "id=\"sweep0-sweep_latency_vs_throughput\"", "the bars are 95% confidence intervals")
        .doesNotContain("holds no export");
    Matcher m = DATA.matcher(page);
    assertThat(m.find()).isTrue();
    JsonNode charts = new ObjectMapper().readTree(m.group(1).replace("<\\/", "</"))
        .get("charts");
    JsonNode latency = charts.get(1);
    assertThat(latency.get("el").asText()).isEqualTo("sweep0-sweep_latency_vs_throughput");
    // x: request throughput ascending; the first series is TTFT with its interval per point.
    assertThat(latency.at("/data/0").toString()).isEqualTo("[45,104,143]");
    assertThat(latency.at("/data/1").toString()).isEqualTo("[23,29,62]");
    JsonNode ttft = latency.at("/errors/0");
    assertThat(ttft.get("series").asInt()).isEqualTo(1);
    assertThat(ttft.get("lo").toString()).isEqualTo("[11,17,50]");
    assertThat(ttft.get("hi").toString()).isEqualTo("[35,41,74]");
    assertThat(latency.get("errors")).hasSize(3);
    // The Pareto's front: every point here beats the ones before it on throughput.
    JsonNode pareto = charts.get(0);
    assertThat(pareto.get("series").get(3).get("label").asText()).isEqualTo("Pareto front");
  }

  @Test
  void repeatedRunsOfOneConfiguration_drawTheirAggregate(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rep/aggregate/profile_export_aiperf_aggregate.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"schema_version\": \"1.0\", \"metadata\": {\"aggregation_type\":"
        + " \"confidence\", \"num_profile_runs\": 3, \"num_successful_runs\": 3,"
        + " \"confidence_level\": 0.9}, \"metrics\": {"
        + metric("request_throughput_avg", 50, 2, "requests/sec") + ", "
        + metric("time_to_first_token_avg", 25, 3, "ms") + ", "
        + metric("time_to_first_token_p99", 40, 5, "ms") + "}}");

    ReportOutput out = Reports.of(dir.resolve("rep")).writePngs(dir.resolve("plots"));

    assertThat(out.files()).extracting(p -> p.getFileName().toString())
        .contains("sweep_latency_vs_throughput.png");
    for (Path png : out.files()) {
      assertThat(Images.variance(png)).as("pixel variance of %s", png).isGreaterThan(100);
    }
    String page = Files.readString(Reports.of(dir.resolve("rep")).writeHtml(dir.resolve("r.html"))
        .files().get(0));
    assertThat(page).contains("rep: 1 configuration", "the bars are 90% confidence intervals");
  }
}
