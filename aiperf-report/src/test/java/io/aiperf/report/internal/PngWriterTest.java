package io.aiperf.report.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.ReportOutput;
import io.aiperf.api.Reports;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PngWriterTest {
  @Test
  void everyChart_isAPngWithSeriesDrawn(@TempDir Path dir) throws Exception {
    Path run = TestRuns.run(dir.resolve("run"), 2000, 7);
    TestRuns.gpuTelemetry(run);
    TestRuns.serverMetrics(run);
    ReportOutput out = Reports.of(run).writePngs(dir.resolve("plots"));
    assertThat(out.notes()).isEmpty();
    assertThat(out.files()).extracting(p -> p.getFileName().toString()).contains(
        "request_timeline.png", "ttft_percentiles_over_time.png",
        "latency_percentiles_over_time.png", "throughput_over_time.png",
        "in_flight_over_time.png", "latency_histogram.png", "isl_vs_latency.png",
        "osl_vs_latency.png", "gpu_nvidia_gpu_utilization.png",
        "server_vllm_num_requests_running.png", "server_vllm_prompt_tokens.png");
    for (Path png : out.files()) {
      assertThat(Images.variance(png)).as("pixel variance of %s", png).isGreaterThan(100);
      assertThat(Images.colouredPixels(png)).as("coloured pixels of %s", png).isGreaterThan(50);
    }
  }

  @Test
  void severalRuns_eachInItsDirectory_comparisonsBeside(@TempDir Path dir) throws Exception {
    Path a = TestRuns.run(dir.resolve("a"), 300, 0);
    Path b = TestRuns.run(dir.resolve("b"), 600, 0);
    ReportOutput out = Reports.of(a, b).writePngs(dir.resolve("plots"));
    assertThat(dir.resolve("plots/a/request_timeline.png")).exists();
    assertThat(dir.resolve("plots/b/request_timeline.png")).exists();
    assertThat(dir.resolve("plots/pareto_throughput_vs_latency.png")).exists();
    assertThat(dir.resolve("plots/pareto_throughput_per_user_vs_total.png")).exists();
    for (Path png : out.files()) {
      assertThat(Images.variance(png)).as("pixel variance of %s", png).isGreaterThan(100);
    }
  }
}
