package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server-metrics and GPU-telemetry flags, typed as a user would: on by default against the
 * embedded mock (its /metrics from --url, its DCGM page), off with their --no- flags, and bad
 * values reported with the other usage errors.
 */
final class TelemetryCommandIT {
  private record Run(int exitCode, String out, String err) {}

  private static Run aiperf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AiperfCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void urlMock_scrapesTheMocksMetricsAndDcgm_byDefault(@TempDir Path dir) throws Exception {
    Run run = aiperf("profile", "--url", "mock", "-m", "demo", "--endpoint-type", "chat",
        "--streaming", "--concurrency", "4", "--request-count", "40", "--osl", "32",
        "--isl", "64", "--mock-ttft", "10", "--mock-itl", "2", "--mock-gpus", "2",
        "--warmup-request-count", "4", "--server-metrics-formats", "json", "csv", "jsonl",
        "--artifact-dir", dir.toString(), "--ui", "none");
    assertThat(run.exitCode()).as(run.err()).isZero();
    Files.writeString(dir.resolve("console-for-readme.txt"), run.out());
    assertThat(run.out()).contains("NVIDIA AIPerf | Server Metrics", "Server TTFT (ms)",
        "KV-cache usage (%)", "NVIDIA AIPerf | GPU Telemetry Summary",
        "NVIDIA AIPerf | GPU Power Efficiency (NVIDIA)", "Output Tokens per Joule (tokens/J)");
    // The default DCGM endpoints are not there, and that is no news.
    assertThat(run.err()).doesNotContain("9400").doesNotContain("WARN");
    for (String f : new String[] {"server_metrics_export.json", "server_metrics_export.csv",
        "server_metrics_export.jsonl", "gpu_telemetry_export.jsonl"}) {
      assertThat(dir.resolve(f)).exists();
    }
    JsonNode sm = new ObjectMapper().readTree(dir.resolve("server_metrics_export.json").toFile());
    JsonNode json = new ObjectMapper().readTree(dir.resolve("profile_export_aiperf.json")
        .toFile());
    assertThat(sm.at("/metrics/vllm:generation_tokens/series/0/stats/total").asDouble())
        .isEqualTo(json.at("/total_usage_completion_tokens/avg").asDouble());
    assertThat(json.at("/telemetry_data/summary/endpoints_successful").size()).isEqualTo(1);
    assertThat(json.at("/nvidia_output_tokens_per_joule/avg").asDouble()).isPositive();
  }

  @Test
  void noFlags_turnBothOff(@TempDir Path dir) {
    Run run = aiperf("profile", "--url", "mock", "-m", "demo", "--request-count", "4",
        "--osl", "4", "--isl", "16", "--mock-ttft", "1", "--mock-itl", "0",
        "--no-server-metrics", "--no-gpu-telemetry", "--artifact-dir", dir.toString(),
        "--ui", "none");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).doesNotContain("Server Metrics").doesNotContain("GPU Telemetry");
    assertThat(dir.resolve("server_metrics_export.json")).doesNotExist();
    assertThat(dir.resolve("gpu_telemetry_export.jsonl")).doesNotExist();
  }

  @Test
  void badValues_areUsageErrors_allAtOnce() {
    Run run = aiperf("profile", "--url", "mock", "-m", "demo", "--no-server-metrics",
        "--server-metrics", "node1:8081", "--server-metrics-formats", "parquet", "yaml",
        "--gpu-telemetry", "pynvml", "nohost", "--ui", "none");
    assertThat(run.exitCode()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(run.err()).contains(
        "Error: --no-server-metrics and --server-metrics were both given but only one of them"
            + " can be",
        "Error: --server-metrics-formats was 'parquet' but aiperf-java does not write Parquet;"
            + " choose json, csv or jsonl",
        "Error: --server-metrics-formats was 'yaml' but it must be json, csv or jsonl",
        "Error: --gpu-telemetry was 'pynvml' but aiperf-java reads DCGM exporters only; give"
            + " their URLs, e.g. node1:9400",
        "Error: --gpu-telemetry was 'nohost' but it must be a DCGM exporter URL such as"
            + " node1:9400 or http://node1:9400/metrics");
  }
}
