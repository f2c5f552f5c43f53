package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.ArrivalPattern;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ExportLevel;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only a schedule (a rate, users, a trace) makes a run open loop: a file in concurrency mode is
 * sent as replies free slots, like synthetic data, and has no "from intended send" metrics.
 */
final class ClosedLoopIT {
  /** Metrics that exist only when a schedule says when each request was meant to go. */
  private static final List<String> OPEN_LOOP_ONLY = List.of("corrected_time_to_first_token",
      "corrected_request_latency", "schedule_lateness", "client_queue_time",
      "requested_request_rate", "achieved_request_rate");

  private static MockLlmServer mock() {
    return MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
        .ttft(Duration.ofMillis(40)).itl(Duration.ofMillis(1)).build());
  }

  private static Path file(Path dir, boolean timestamps) throws Exception {
    Path file = dir.resolve(timestamps ? "trace.jsonl" : "prompts.jsonl");
    Files.writeString(file, IntStream.range(0, 12).mapToObj(i -> "{"
        + (timestamps ? "\"timestamp\": " + i * 20 + ", " : "")
        + "\"text\": \"question " + i + "\", \"max_tokens\": 3}")
        .collect(Collectors.joining("\n")), StandardCharsets.UTF_8);
    return file;
  }

  private static Benchmark.Builder bench(MockLlmServer server, Path dataset) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .dataset(Datasets.singleTurn(dataset));
  }

  @Test
  void aFileInConcurrencyMode_isAClosedLoop_withoutOpenLoopMetrics(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = mock()) {
      BenchmarkResult r = bench(server, file(dir, false)).concurrency(1).requestCount(12)
          .artifactDir(dir.resolve("out")).exportLevel(ExportLevel.RECORDS).run();
      assertThat(r.requestsCompleted()).isEqualTo(12);
      assertThat(r.metricsByTag().keySet()).doesNotContainAnyElementsOf(OPEN_LOOP_ONLY);
      // Each request waited 40 ms or more for the one before to free the slot; its intended
      // send time is when it took the slot, so the wait is not counted against it.
      List<JsonNode> records = records(dir.resolve("out"));
      assertThat(records).hasSize(12).allSatisfy(rec -> {
        JsonNode meta = rec.get("metadata");
        assertThat(meta.get("credit_issued_ns").asLong() - meta.get("intended_start_ns").asLong())
            .as("issued after intended, ns").isBetween(0L, 20_000_000L);
      });
    }
  }

  @Test
  void theSameFileAtARate_orWithTimestamps_isAnOpenLoop(@TempDir Path dir) throws Exception {
    try (MockLlmServer server = mock()) {
      BenchmarkResult rate = bench(server, file(dir, false)).requestRate(50)
          .arrivalPattern(ArrivalPattern.CONSTANT).requestCount(12).run();
      assertThat(rate.metricsByTag().keySet()).containsAll(OPEN_LOOP_ONLY);
      BenchmarkResult trace = bench(server, file(dir, true)).run();
      assertThat(trace.requestsCompleted()).isEqualTo(12);
      assertThat(trace.metricsByTag().keySet()).contains("schedule_lateness",
          "corrected_time_to_first_token", "client_queue_time");
    }
  }

  private static List<JsonNode> records(Path dir) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("profile_export.jsonl"))) {
      out.add(json.readTree(line));
    }
    return out;
  }
}
