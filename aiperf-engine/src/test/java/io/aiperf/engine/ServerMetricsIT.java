package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.MetricTag;
import io.aiperf.api.Metrics;
import io.aiperf.api.ServerMetric;
import io.aiperf.api.ServerMetrics;
import io.aiperf.api.ServerMetricsFormat;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server-metrics service against the mock under load: the window's counters equal what the
 * client was told in every response's usage, exactly, with the warmup kept apart; the gauges saw
 * the load; the server's TTFT agrees with the client's; the files are AIPerf's.
 */
final class ServerMetricsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static MockLlmServer mock() {
    return MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
        .ttft(Duration.ofMillis(15)).itl(Duration.ofMillis(3)).seed(7).build());
  }

  /** The server's own lifetime counter, read from its page after the run. */
  private static double counterNow(MockLlmServer server, String name) throws Exception {
    String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(server.metricsUrl())).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*} (\\S+)$").matcher(page);
    assertThat(m.find()).as(name).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void underLoad_windowCountersEqualTheClientsUsage_warmupApart(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = mock()) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("m").streaming(true))
          .concurrency(4).requestCount(60)
          .warmupRequestCount(12).warmupConcurrency(3)
          .dataset(Datasets.synthetic().inputTokens(64, 8).outputTokens(40, 10).seed(5))
          .serverMetrics()
          .serverMetricsFormats(ServerMetricsFormat.JSON, ServerMetricsFormat.CSV,
              ServerMetricsFormat.JSONL)
          .artifactDir(dir).run();

      ServerMetrics sm = r.serverMetrics().orElseThrow();
      assertThat(sm.endpointsReachable()).containsExactly(server.metricsUrl());
      assertThat(sm.problems()).isEmpty();
      double clientPrompt = r.metric(new MetricTag("total_usage_prompt_tokens")).avg();
      double clientCompletion = r.metric(new MetricTag("total_usage_completion_tokens")).avg();
      assertThat(r.requestsCompleted()).isEqualTo(60);
      // Exact: the profiling window's increase is the client's total of server-reported usage.
      assertThat(sm.metric("vllm:prompt_tokens").stat("total")).isEqualTo(clientPrompt);
      assertThat(sm.metric("vllm:generation_tokens").stat("total")).isEqualTo(clientCompletion);
      assertThat(sm.metric("vllm:request_success").stat("total")).isEqualTo(60.0);
      assertThat(sm.metric("vllm:e2e_request_latency_seconds").stat("count")).isEqualTo(60.0);

      // The warmup is apart: its increase plus the window's is the server's lifetime count.
      ServerMetric warmPrompt = sm.warmupMetrics().stream()
          .filter(m -> m.name().equals("vllm:prompt_tokens")).findFirst().orElseThrow();
      assertThat(warmPrompt.stat("total") + clientPrompt)
          .isEqualTo(counterNow(server, "vllm:prompt_tokens_total"));
      assertThat(sm.warmupMetrics().stream().filter(m -> m.name().equals("vllm:request_success"))
          .findFirst().orElseThrow().stat("total")).isEqualTo(12.0);

      // The gauges saw the load.
      assertThat(sm.metric("vllm:num_requests_running").stat("max")).isGreaterThan(0);
      assertThat(sm.metric("vllm:kv_cache_usage_perc").stat("max")).isGreaterThan(0);
      assertThat(sm.metric("vllm:kv_cache_usage_perc").unit()).isEqualTo("ratio");

      // The server's TTFT (the mean of its histogram) lies within the client's distribution.
      double serverTtftMs = sm.metric("vllm:time_to_first_token_seconds").stat("avg") * 1000;
      var clientTtft = r.metric(Metrics.TIME_TO_FIRST_TOKEN);
      assertThat(serverTtftMs).isBetween(clientTtft.min() * 0.5, clientTtft.max());

      // AIPerf's files.
      JsonNode json = JSON.readTree(dir.resolve("server_metrics_export.json").toFile());
      assertThat(json.get("schema_version").asText()).isEqualTo("1.1");
      assertThat(json.at("/summary/endpoints_successful/0").asText())
          .isEqualTo(server.metricsUrl());
      assertThat(json.at("/summary/phase_time_ranges/profiling/start_ns").asLong()).isPositive();
      assertThat(json.at("/summary/phase_time_ranges/warmup/end_ns").asLong())
          .isLessThan(json.at("/summary/phase_time_ranges/profiling/start_ns").asLong());
      JsonNode prompt = json.at("/metrics/vllm:prompt_tokens");
      assertThat(prompt.get("type").asText()).isEqualTo("counter");
      assertThat(prompt.get("unit").asText()).isEqualTo("tokens");
      assertThat(prompt.at("/series/0/stats/total").asDouble()).isEqualTo(clientPrompt);
      assertThat(prompt.at("/series/0/labels/model_name").asText()).isEqualTo("mock-model");
      JsonNode ttft = json.at("/metrics/vllm:time_to_first_token_seconds/series/0");
      assertThat(ttft.at("/stats/count").isIntegralNumber()).isTrue();
      assertThat(ttft.at("/stats/count").asLong()).isEqualTo(60);
      assertThat(ttft.at("/buckets/+Inf").asLong()).isEqualTo(60);
      assertThat(ttft.at("/stats/p50_estimate").asDouble()).isPositive();
      assertThat(json.at("/warmup_metrics/vllm:request_success/series/0/stats/total").asDouble()
          + json.at("/warmup_metrics/vllm:request_success/series/1/stats/total").asDouble()
          + json.at("/warmup_metrics/vllm:request_success/series/2/stats/total").asDouble())
          .isEqualTo(12.0);

      List<String> csv = Files.readAllLines(dir.resolve("server_metrics_export.csv"),
          StandardCharsets.UTF_8);
      assertThat(csv.get(0)).isEqualTo("# AIPerf Server Metrics Export (CSV)");
      assertThat(csv).anyMatch(l -> l.startsWith("Endpoint,Type,Metric,Unit,avg,min,max,std,"));
      assertThat(csv).anyMatch(l -> l.startsWith("Endpoint,Type,Metric,Unit,total,rate,"));
      assertThat(csv).anyMatch(l -> l.startsWith("127.0.0.1:" + server.port()
          + ",counter,vllm:prompt_tokens,tokens,"
          + String.format(java.util.Locale.ROOT, "%.4f", clientPrompt)));

      List<String> jsonl = Files.readAllLines(dir.resolve("server_metrics_export.jsonl"),
          StandardCharsets.UTF_8);
      assertThat(jsonl).isNotEmpty();
      JsonNode last = JSON.readTree(jsonl.get(jsonl.size() - 1));
      assertThat(last.get("endpoint_url").asText()).isEqualTo(server.metricsUrl());
      assertThat(last.get("benchmark_phase").asText()).isEqualTo("profiling");
      assertThat(last.at("/metrics/vllm:generation_tokens/0/value").asDouble())
          .isEqualTo(counterNow(server, "vllm:generation_tokens_total"));
      assertThat(jsonl.stream().map(ServerMetricsIT::phase))
          .contains("warmup", "profiling");

      // The console shows the table next to the client's numbers.
      String console = io.aiperf.engine.internal.export.ConsoleAccess.render(r);
      assertThat(console).contains("NVIDIA AIPerf | Server Metrics")
          .contains("Server TTFT (ms)").contains("KV-cache usage (%)")
          .contains("Generation tokens");
    }
  }

  private static String phase(String line) {
    try {
      return JSON.readTree(line).path("benchmark_phase").asText("none");
    } catch (IOException e) {
      throw new AssertionError(line, e);
    }
  }

  @Test
  void endpointsThatCannotBeScraped_cost_oneProblemEach_theRunGoesOn(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = mock()) {
      java.net.ServerSocket closed = new java.net.ServerSocket(0);
      int deadPort = closed.getLocalPort();
      closed.close();
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("m").streaming(true))
          .concurrency(2).requestCount(10)
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(8, 0).seed(5))
          .serverMetrics(URI.create("http://127.0.0.1:" + deadPort),        // refused
              URI.create(server.baseUrl() + "/v1/models"),                   // 404 (+/metrics)
              URI.create(server.baseUrl() + "/health/"))                     // 404 too
          .artifactDir(dir).run();
      assertThat(r.requestsCompleted()).isEqualTo(10);
      ServerMetrics sm = r.serverMetrics().orElseThrow();
      assertThat(sm.endpointsConfigured()).hasSize(4);
      assertThat(sm.endpointsReachable()).containsExactly(server.metricsUrl());
      assertThat(sm.problems()).hasSize(3);
      assertThat(sm.problems().get(0)).startsWith("http://127.0.0.1:" + deadPort
          + "/metrics could not be scraped: connection refused");
      assertThat(sm.problems().get(1)).endsWith("/v1/models/metrics could not be scraped:"
          + " HTTP 404");
      assertThat(sm.metric("vllm:generation_tokens").stat("total")).isEqualTo(80.0);
    }
  }

  @Test
  void aPageThatIsNoPrometheusPage_andASlowOne_costAProblemEach(@TempDir Path dir)
      throws Exception {
    com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    other.createContext("/json/metrics", x -> {
      byte[] body = "[{\"iter\":1,\"gpuMemUsage\":4035}]".getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    other.createContext("/mixed/metrics", x -> {
      byte[] body = ("# TYPE ok_gauge gauge\nok_gauge{a=\"1\"} 3\nbroken{a=\"1\" 2\n"
          + "ok_gauge{a=\"2\"} five\n# TYPE ok_total counter\nok_total 7\n")
          .getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    other.createContext("/slow/metrics", x -> {
      try {
        Thread.sleep(8_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      x.close();
    });
    other.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    other.start();
    String base = "http://127.0.0.1:" + other.getAddress().getPort();
    try (MockLlmServer server = mock()) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("m").streaming(true))
          .concurrency(2).requestCount(6)
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(8, 0).seed(5))
          .serverMetrics(URI.create(base + "/json"), URI.create(base + "/slow/metrics"),
              URI.create(base + "/mixed"))
          .artifactDir(dir).run();
      assertThat(r.requestsCompleted()).isEqualTo(6);
      ServerMetrics sm = r.serverMetrics().orElseThrow();
      assertThat(sm.endpointsReachable()).containsExactly(server.metricsUrl(),
          base + "/mixed/metrics");
      // The malformed lines of a page are skipped and counted; its good lines are kept.
      assertThat(sm.skippedLines()).isPositive().isEven();
      assertThat(sm.metric("ok_gauge").series()).hasSize(1);
      assertThat(sm.metric("ok_gauge").stat("max")).isEqualTo(3.0);
      assertThat(sm.metric("ok").stat("total")).isZero();
      assertThat(sm.problems()).hasSize(3);
      assertThat(sm.problems().get(0)).startsWith(base + "/json/metrics could not be scraped:"
          + " not a Prometheus page (application/json; line 1: not a metric name");
      assertThat(sm.problems().get(1)).isEqualTo(base + "/slow/metrics could not be scraped:"
          + " no answer within 5.0 s");
      assertThat(sm.problems().get(2)).matches("\\d+ malformed line\\(s\\) were skipped over"
          + " \\d+ scrapes");
      assertThat(sm.metric("vllm:generation_tokens").stat("total")).isEqualTo(48.0);
    } finally {
      other.stop(0);
    }
  }
}
