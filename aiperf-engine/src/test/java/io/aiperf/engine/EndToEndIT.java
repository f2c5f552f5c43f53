package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkFailedException;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.Metrics;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fluent API, in-process, against the embedded mock server on loopback. */
final class EndToEndIT {
  private static MockLlmServer mock(double ttftMs, double itlMs, double errorRate) {
    return MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
        .ttft(Duration.ofNanos((long) (ttftMs * 1e6))).itl(Duration.ofNanos((long) (itlMs * 1e6)))
        .errorRate(errorRate).seed(1).build());
  }

  @Test
  void streamingChat_measuresTheMockSchedule() {
    try (MockLlmServer server = mock(20, 5, 0)) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
          .concurrency(32).requestCount(2_000)
          .dataset(Datasets.synthetic().inputTokens(100, 0).outputTokens(100, 0).seed(42))
          .run();

      assertThat(r.requestsCompleted()).isEqualTo(2_000);
      assertThat(r.requestsFailed()).isZero();
      assertThat(r.metric(Metrics.REQUEST_COUNT).avg()).isEqualTo(2_000);
      // Generous bounds: the accurate numbers are measured and reported in the README.
      assertThat(r.metric(Metrics.TIME_TO_FIRST_TOKEN).p50()).isBetween(20.0, 21.5);
      assertThat(r.metric(Metrics.INTER_TOKEN_LATENCY).avg()).isCloseTo(5.0, within(0.15));
      assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(100.0);
      assertThat(r.metric(Metrics.INPUT_SEQUENCE_LENGTH).avg()).isEqualTo(100.0);
      // Latency = TTFT + 99 gaps of 5 ms, from the absolute schedule.
      assertThat(r.metric(Metrics.REQUEST_LATENCY).p50()).isBetween(514.0, 525.0);
      assertThat(r.metric(Metrics.INTER_CHUNK_LATENCY).count()).isEqualTo(2_000 * 99);
      assertThat(server.requestCount()).isEqualTo(2_000);
    }
  }

  @Test
  void nonStreaming_hasNoStreamingMetrics(@TempDir Path dir) throws Exception {
    try (MockLlmServer server = mock(10, 1, 0)) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo"))
          .concurrency(4).requestCount(40)
          .dataset(Datasets.synthetic().inputTokens(50, 0).outputTokens(20, 0).seed(1))
          .artifactDir(dir).exporters("json", "csv")
          .run();
      assertThat(r.find(Metrics.TIME_TO_FIRST_TOKEN)).isEmpty();
      assertThat(r.find(Metrics.INTER_TOKEN_LATENCY)).isEmpty();
      // The whole body arrives after TTFT + 19 × ITL.
      assertThat(r.metric(Metrics.REQUEST_LATENCY).min()).isGreaterThanOrEqualTo(29.0);
      assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(20.0);
      // 4 connections opened once, then reused: getting one is measured apart from the latency.
      var wait = r.metric(new io.aiperf.api.MetricTag("connection_wait_time"));
      assertThat(wait.count()).isEqualTo(40);
      assertThat(wait.p50()).isLessThan(1.0);
      assertThat(wait.max()).isPositive();
      // HTTP trace timings, named as AIPerf and k6 name them.
      // A handful of connections, opened before the clock started, serve all 40 requests.
      assertThat(r.metric(new io.aiperf.api.MetricTag("http_req_connection_reused")).avg())
          .isEqualTo(1.0);
      assertThat(r.metric(new io.aiperf.api.MetricTag("http_req_waiting")).p50())
          .isGreaterThan(25.0);
      assertThat(r.metric(new io.aiperf.api.MetricTag("http_req_data_sent")).min()).isPositive();
      assertThat(r.metric(new io.aiperf.api.MetricTag("http_req_data_received")).min())
          .isPositive();

      JsonNode json = new ObjectMapper().readTree(dir.resolve("profile_export_aiperf.json")
          .toFile());
      assertThat(json.path("request_count").path("avg").asDouble()).isEqualTo(40.0);
      assertThat(json.path("request_latency").path("unit").asText()).isEqualTo("ms");
      assertThat(json.path("request_latency").path("p99").isNumber()).isTrue();
      assertThat(json.path("error_summary").isArray()).isTrue();
      assertThat(json.has("time_to_first_token")).isFalse();
      // What consumers of AIPerf's file read: every distribution has all of AIPerf's keys,
      // every scalar has unit and avg, and the run's keys are there.
      assertThat(json.has("schema_version") && json.has("input_config")
          && json.has("start_time") && json.has("end_time") && json.has("was_cancelled")).isTrue();
      json.fields().forEachRemaining(e -> {
        JsonNode block = e.getValue();
        if (block.isObject() && block.has("unit") && block.has("p50")
            && io.aiperf.engine.internal.metrics.SweepMetrics.spec(e.getKey()) != null) {
          // AIPerf's time-weighted metrics: its eight statistics, no count.
          assertThat(fieldNames(block)).as(e.getKey()).containsExactly("unit", "avg", "p50",
              "p90", "p95", "p99", "min", "max", "std");
        } else if (block.isObject() && block.has("unit") && block.has("p50")) {
          for (String key : List.of("avg", "min", "max", "std", "p1", "p5", "p10", "p25", "p50",
              "p75", "p90", "p95", "p99")) {
            assertThat(block.has(key)).as(e.getKey() + "." + key).isTrue();
          }
        } else if (block.isObject() && block.has("unit")) {
          assertThat(block.has("avg")).as(e.getKey() + ".avg").isTrue();
        }
      });
      assertThat(Files.readString(dir.resolve("profile_export_aiperf.csv")))
          .startsWith("Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,p95,p99,std\r\n");

      // One line per request, streamed as they completed, in AIPerf's layout.
      var lines = Files.readAllLines(dir.resolve("profile_export.jsonl"));
      assertThat(lines).hasSize(40);
      var ids = new java.util.HashSet<String>();
      for (String line : lines) {
        JsonNode record = new ObjectMapper().readTree(line);
        ids.add(record.at("/metadata/x_request_id").asText());
        assertThat(record.at("/metadata/benchmark_phase").asText()).isEqualTo("profiling");
        assertThat(record.at("/metadata/request_end_ns").asLong())
            .isGreaterThan(record.at("/metadata/request_start_ns").asLong());
        assertThat(record.at("/metrics/request_latency/unit").asText()).isEqualTo("ms");
        assertThat(record.at("/metrics/request_latency/value").asDouble()).isGreaterThan(29.0);
        assertThat(record.at("/metrics/output_sequence_length/value").asDouble()).isEqualTo(20.0);
        assertThat(record.has("error")).as("a success has no error").isFalse();
      }
      assertThat(ids).hasSize(40);
    }
  }

  @Test
  void serverErrors_areRecordedAndTheRunGoesOn() {
    try (MockLlmServer server = mock(1, 0.1, 50)) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
          .concurrency(8).requestCount(400)
          .dataset(Datasets.synthetic().inputTokens(20, 0).outputTokens(5, 0).seed(3))
          .run();
      assertThat(r.requestsCompleted() + r.requestsFailed()).isEqualTo(400);
      assertThat(r.requestsSent()).isEqualTo(400);
      // 50 % of 400: binomial sd = 10, so 120..280 is far beyond chance.
      assertThat(r.requestsFailed()).isBetween(120L, 280L);
      ErrorSummary e = r.errors().get(0);
      assertThat(e.code()).isEqualTo(500);
      assertThat(e.count()).isEqualTo(r.requestsFailed());
      assertThat(r.metric(Metrics.ERROR_REQUEST_COUNT).avg()).isEqualTo(r.requestsFailed());
      // Failed requests' prompts, as AIPerf's error_isl: 20 tokens each.
      assertThat(r.metric(new io.aiperf.api.MetricTag("error_isl")).count())
          .isEqualTo(r.requestsFailed());
      assertThat(r.metric(new io.aiperf.api.MetricTag("total_error_isl")).avg())
          .isEqualTo(20.0 * r.requestsFailed());
      // Successful requests alone feed the latency statistics.
      assertThat(r.metric(Metrics.TIME_TO_FIRST_TOKEN).count()).isEqualTo(r.requestsCompleted());
    }
  }

  @Test
  void unreachableServer_failsFastWithAClearMessage() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    var builder = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://127.0.0.1:" + port).model("demo"))
        .requestCount(5);
    assertThatThrownBy(builder::run)
        .isInstanceOf(BenchmarkFailedException.class)
        .hasMessageContaining("cannot reach the server at http://127.0.0.1:" + port);
  }

  @Test
  void cancel_stopsIssuing_endsInFlightRequestsAsCancelled_andKeepsTheResults() {
    // 2,000 tokens at 50 ms each: a request would take 100 s; the drain ends them after 10 s.
    try (MockLlmServer server = mock(5, 50, 0)) {
      var run = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
          .concurrency(4).requestCount(1_000)
          .dataset(Datasets.synthetic().inputTokens(10, 0).outputTokens(2_000, 0).seed(5))
          .start();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> server.requestCount() >= 4);
      run.cancel();
      BenchmarkResult r = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
          .until(() -> run.result().getNow(null), java.util.Objects::nonNull);
      assertThat(r.wasCancelled()).isTrue();
      assertThat(r.requestsSent()).isEqualTo(4);
      assertThat(r.requestsCancelled()).isEqualTo(4);
      assertThat(r.requestsFailed()).isZero();
      assertThat(r.errors()).singleElement().satisfies(e -> {
        assertThat(e.code()).isEqualTo(499);
        assertThat(e.type()).isEqualTo("RequestCancellationError");
      });
    } catch (BenchmarkFailedException e) {
      throw new AssertionError("a cancelled run must return its results", e);
    }
  }

  @Test
  void unknownEndpointType_isRejectedAtBuild() {
    assertThatThrownBy(() -> Benchmark.builder()
        .endpoint(Endpoints.of("chatt", "http://127.0.0.1:1").model("m")).build())
        .hasMessageContaining("endpoint type was 'chatt' but it must be one of [")
        .hasMessageContaining(" chat, ")
        .hasMessageContaining("completions").hasMessageContaining("embeddings");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
