package io.aiperf.report.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes run directories in the layout aiperf-java and AIPerf 0.13 use, with numbers chosen so
 * that the charts' values can be checked by hand.
 */
final class TestRuns {
  static final long T0 = 1_796_000_000_000_000_000L;

  private TestRuns() {}

  /**
   * {@code n} requests, one every 10 ms, each with TTFT 20 ms and latency 100 ms (plus 1 ms per
   * hundred requests of its index), ISL 100 + i % 50 and OSL 40; every {@code errorEvery}-th fails
   * with HTTP 500 after 5 ms (0: none).
   */
  static Path run(Path dir, int n, int errorEvery) throws IOException {
    Files.createDirectories(dir);
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("profile_export.jsonl"),
        StandardCharsets.UTF_8)) {
      for (int i = 0; i < n; i++) {
        long start = T0 + i * 10_000_000L;
        boolean error = errorEvery > 0 && i % errorEvery == errorEvery - 1;
        double latency = 100 + i / 100;
        long end = start + (long) ((error ? 5 : latency) * 1_000_000);
        String meta = String.format(Locale.ROOT, "{\"session_num\":%d,\"x_request_id\":\"r%d\","
            + "\"request_start_ns\":%d,\"request_end_ns\":%d,\"worker_id\":\"worker_0\","
            + "\"benchmark_phase\":\"profiling\",\"was_cancelled\":false}", i, i, start, end);
        if (error) {
          w.write(String.format(Locale.ROOT, "{\"metadata\":%s,\"metrics\":{\"error_isl\":"
              + "{\"value\":%d,\"unit\":\"tokens\"}},\"error\":{\"code\":500,\"type\":\"Internal"
              + " Server Error\",\"message\":\"injected\"}}%n", meta, 100 + i % 50));
        } else {
          w.write(String.format(Locale.ROOT, "{\"metadata\":%s,\"metrics\":{"
              + "\"time_to_first_token\":{\"value\":20.0,\"unit\":\"ms\"},"
              + "\"request_latency\":{\"value\":%s,\"unit\":\"ms\"},"
              + "\"inter_token_latency\":{\"value\":2.0,\"unit\":\"ms\"},"
              + "\"inter_chunk_latency\":{\"value\":[2.0,2.0,2.0],\"unit\":\"ms\"},"
              + "\"input_sequence_length\":{\"value\":%d,\"unit\":\"tokens\"},"
              + "\"output_sequence_length\":{\"value\":40,\"unit\":\"tokens\"}},"
              + "\"error\":null}%n", meta, latency, 100 + i % 50));
        }
      }
    }
    Files.writeString(dir.resolve("profile_export_aiperf.json"), aggregate("1.4", n, errorEvery),
        StandardCharsets.UTF_8);
    return dir;
  }

  static String aggregate(String schema, int n, int errorEvery) {
    int errors = errorEvery > 0 ? n / errorEvery : 0;
    return String.format(Locale.ROOT, "{\"schema_version\":\"%s\",\"aiperf_version\":\"0.1.0\","
        + "\"request_latency\":{\"unit\":\"ms\",\"avg\":100.5,\"p1\":100,\"p5\":100,\"p10\":100,"
        + "\"p25\":100,\"p50\":100,\"p75\":101,\"p90\":101,\"p95\":101,\"p99\":102,\"min\":100,"
        + "\"max\":102,\"std\":0.5,\"count\":%d},"
        + "\"time_to_first_token\":{\"unit\":\"ms\",\"avg\":20,\"p1\":20,\"p5\":20,\"p10\":20,"
        + "\"p25\":20,\"p50\":20,\"p75\":20,\"p90\":20,\"p95\":20,\"p99\":20,\"min\":20,"
        + "\"max\":20,\"std\":0,\"count\":%d},"
        + "\"output_token_throughput\":{\"unit\":\"tokens/sec\",\"avg\":%d},"
        + "\"output_token_throughput_per_user\":{\"unit\":\"tokens/sec/user\",\"avg\":500,"
        + "\"p50\":500},"
        + "\"request_throughput\":{\"unit\":\"requests/sec\",\"avg\":%d},"
        + "\"request_count\":{\"unit\":\"requests\",\"avg\":%d},"
        + "\"error_request_count\":{\"unit\":\"requests\",\"avg\":%d},"
        + "\"goodput\":{\"unit\":\"requests/sec\",\"avg\":90},"
        + "\"input_config\":{\"endpoint\":{\"type\":\"chat\",\"urls\":[\"http://127.0.0.1:1\"],"
        + "\"streaming\":true},\"slos\":{\"time_to_first_token\":50.0},"
        + "\"artifacts\":{\"slice_duration\":1.0},\"note\":\"<script>alert(1)</script>\"},"
        + "\"run_info\":{\"cli_command\":\"aiperf profile --url 'mock' --slo"
        + " 'time_to_first_token.p99<30ms' --slo=request_latency.avg<50\"},"
        + "\"error_summary\":[%s],\"was_cancelled\":false,\"is_complete\":true,"
        + "\"start_time\":\"2026-12-06T20:00:00\",\"end_time\":\"2026-12-06T20:00:10\","
        + "\"warnings\":[\"a warning the run wrote\"]}",
        schema, n - errors, n - errors, 40 * 100, 100, n - errors, errors,
        errors == 0 ? "" : "{\"error_details\":{\"code\":500,\"type\":\"Internal Server Error\","
            + "\"message\":\"injected\"},\"count\":" + errors + "}");
  }

  /** Two GPUs, four samples a second for two seconds, in AIPerf 0.13's layout. */
  static void gpuTelemetry(Path dir) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < 8; k++) {
      for (int gpu = 0; gpu < 2; gpu++) {
        b.append(String.format(Locale.ROOT, "{\"gpu_index\":%d,\"gpu_uuid\":\"GPU-%d\","
            + "\"gpu_model_name\":\"Test GPU\",\"hostname\":\"node1\",\"timestamp_ns\":%d,"
            + "\"telemetry_source_url\":\"http://node1:9401/metrics\",\"telemetry_data\":{"
            + "\"nvidia_gpu_utilization\":%d,\"nvidia_power_usage\":%d,"
            + "\"gpu_temperature\":%d}}%n", gpu, gpu, T0 + k * 250_000_000L, 10 * k + gpu,
            200 + 10 * k, 50 + k));
      }
    }
    Files.writeString(dir.resolve("gpu_telemetry_export.jsonl"), b, StandardCharsets.UTF_8);
  }

  /**
   * Five scrapes, one a second: a gauge going 0, 2, 1, 3, 2; a counter adding 10 a second; a
   * histogram whose observations average 0.5 s.
   */
  static void serverMetrics(Path dir) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < 5; k++) {
      b.append(String.format(Locale.ROOT, "{\"endpoint_url\":\"http://127.0.0.1:8081/metrics\","
          + "\"timestamp_ns\":%d,\"endpoint_latency_ns\":1000000,\"metrics\":{"
          + "\"vllm:num_requests_running\":[{\"labels\":{\"model_name\":\"m\"},\"value\":%d}],"
          + "\"vllm:prompt_tokens\":[{\"labels\":{\"model_name\":\"m\"},\"value\":%d}],"
          + "\"vllm:e2e_request_latency_seconds\":[{\"labels\":{\"model_name\":\"m\"},"
          + "\"buckets\":{\"0.5\":%d,\"+Inf\":%d},\"sum\":%s,\"count\":%d}]}}%n",
          T0 + k * 1_000_000_000L, new int[] {0, 2, 1, 3, 2}[k], 10 * k, 4 * k, 4 * k, 0.5 * 4 * k, 4 * k));
    }
    Files.writeString(dir.resolve("server_metrics_export.jsonl"), b, StandardCharsets.UTF_8);
  }
}
