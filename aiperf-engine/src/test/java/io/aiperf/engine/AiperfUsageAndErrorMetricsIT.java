package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AIPerf 0.13's usage, error and per-request metrics through real runs against the mock: the
 * prompt-cache counts the server reports, the reasoning-count check, context overflows told apart
 * from other errors, the error-adjusted ITL and decode duration, and the credit, end-to-end and
 * DNS metrics checked against each request's own stamps.
 */
final class AiperfUsageAndErrorMetricsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static MetricTag tag(String t) {
    return new MetricTag(t);
  }

  private static BenchmarkResult run(MockLlmServer server, String baseUrl, Path dir, int isl,
      int islStddev, int osl, int requests) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(baseUrl).model("demo").streaming(true))
        .dataset(Datasets.synthetic().inputTokens(isl, islStddev).outputTokens(osl, 0).seed(42))
        .concurrency(2).requestCount(requests).exporters("json", "csv").artifactDir(dir).run();
  }

  private static List<JsonNode> records(Path dir) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<String> lines = Files.lines(dir.resolve("profile_export.jsonl"))) {
      for (String l : (Iterable<String>) lines::iterator) {
        out.add(JSON.readTree(l));
      }
    }
    return out;
  }

  private static double value(JsonNode record, String metric) {
    return record.at("/metrics/" + metric + "/value").asDouble();
  }

  /** The mock reports 30 of each prompt's tokens as read from its prefix cache. */
  @Test
  void promptCacheReads_areReportedPerRequest_totalled_andAsAShareOfThePrompt(@TempDir Path dir)
      throws Exception {
    BenchmarkResult r;
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(2)).itl(Duration.ofMillis(1)).cachedPromptTokens(30).build())) {
      r = run(server, server.baseUrl(), dir, 100, 0, 8, 12);
    }
    MetricResult read = r.metric(tag("usage_prompt_cache_read_tokens"));
    assertThat(read.count()).isEqualTo(12);
    assertThat(read.min()).isEqualTo(30.0);
    assertThat(read.max()).isEqualTo(30.0);
    assertThat(r.metric(tag("total_usage_prompt_cache_read_tokens")).avg()).isEqualTo(360.0);
    double prompt = r.metric(tag("total_usage_prompt_tokens")).avg();
    assertThat(prompt).isGreaterThan(360.0);
    assertThat(r.metric(tag("overall_usage_prompt_cache_read_pct")).avg())
        .isCloseTo(100.0 * 360 / prompt, within(1e-9));
    // The mock reports neither writes nor misses (OpenAI's shape has none): no such metrics.
    assertThat(r.find(tag("usage_prompt_cache_write_tokens"))).isEmpty();
    assertThat(r.find(tag("total_usage_prompt_cache_miss_tokens"))).isEmpty();
    // No errors: neither the overflow count nor the error-adjusted views.
    assertThat(r.find(tag("context_overflow_count"))).isEmpty();
    assertThat(r.find(tag("adj_inter_token_latency"))).isEmpty();

    JsonNode summary = JSON.readTree(dir.resolve("profile_export_aiperf.json").toFile());
    assertThat(summary.at("/usage_prompt_cache_read_tokens/unit").asText()).isEqualTo("tokens");
    assertThat(summary.at("/overall_usage_prompt_cache_read_pct/unit").asText()).isEqualTo("%");
    assertThat(Files.readString(dir.resolve("profile_export_aiperf.csv")))
        .contains("Usage Prompt Cache Read Tokens (tokens),30.00,")
        .contains("Total Usage Prompt Cache Read Tokens (tokens),360.00")
        .contains("Overall Usage Prompt Cache Read % (%),");

    // Per request, from its own stamps: credit-to-start is the send's wait after the credit,
    // e2e throughput is the output over the whole latency (TTFT included).
    List<JsonNode> records = records(dir);
    assertThat(records).hasSize(12);
    for (JsonNode rec : records) {
      assertThat(value(rec, "usage_prompt_cache_read_tokens")).isEqualTo(30.0);
      JsonNode md = rec.get("metadata");
      double creditToStart = (md.get("request_start_ns").asLong()
          - md.get("credit_issued_ns").asLong()) / 1e6;
      assertThat(value(rec, "credit_to_start_latency")).isCloseTo(creditToStart, within(1e-6))
          .isBetween(0.0, 1000.0);
      double latencySeconds = value(rec, "request_latency") / 1e3;
      assertThat(value(rec, "e2e_output_token_throughput"))
          .isCloseTo(value(rec, "output_sequence_length") / latencySeconds,
              within(1e-6 * value(rec, "e2e_output_token_throughput")));
    }
  }

  /**
   * The mock's chat answers start with 6 reasoning tokens, counted in its usage; the client
   * counts the reasoning text it got. One request in five fails with an injected 500, which is
   * no context overflow: the count is there, and 0.
   */
  @Test
  void reasoningUsage_isComparedWithTheCountedReasoning_andPlainErrorsAreNoOverflow(
      @TempDir Path dir) throws Exception {
    BenchmarkResult r;
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(2)).itl(Duration.ofMillis(1)).reasoningTokens(6).errorRate(20)
        .seed(7).build())) {
      r = run(server, server.baseUrl(), dir, 50, 0, 12, 30);
    }
    long checked = 0;
    double usageReasoning = 0;
    for (JsonNode rec : records(dir)) {
      if (rec.has("error")) {
        continue;
      }
      double server = value(rec, "usage_reasoning_tokens");
      double client = value(rec, "reasoning_token_count");
      assertThat(server).isEqualTo(6.0);
      assertThat(client).isPositive();
      assertThat(value(rec, "usage_reasoning_tokens_diff_pct"))
          .isCloseTo(Math.abs(server - client) / client * 100, within(1e-9));
      usageReasoning += server;
      checked++;
    }
    assertThat(checked).isEqualTo(r.requestsCompleted()).isPositive();
    assertThat(r.metric(tag("total_usage_reasoning_tokens")).avg()).isEqualTo(usageReasoning);
    assertThat(r.metric(tag("usage_reasoning_tokens_diff_pct")).count()).isEqualTo(checked);
    assertThat(r.requestsFailed()).isPositive();
    assertThat(r.metric(tag("context_overflow_count")).avg()).isZero();
  }

  /**
   * A server that refuses prompts past its context (vLLM's {@code --max-model-len} 105, 400 with
   * "maximum context length"), and injects 500s too: only the refusals count as overflows; and
   * with failures, ITL and decode duration get AIPerf's error-adjusted views.
   */
  @Test
  void contextOverflows_areCountedApartFromOtherErrors_andErrorsAdjustItlAndDecode(
      @TempDir Path dir) throws Exception {
    BenchmarkResult r;
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(2)).itl(Duration.ofMillis(1)).maxModelLen(105).errorRate(25)
        .seed(7).build())) {
      r = run(server, server.baseUrl(), dir, 100, 8, 4, 40);
    }
    long overflows = 0;
    long errors = 0;
    for (JsonNode rec : records(dir)) {
      if (rec.has("error")) {
        errors++;
        if (rec.at("/error/message").asText().contains("maximum context length is 105 tokens")) {
          assertThat(rec.at("/error/code").asInt()).isEqualTo(400);
          overflows++;
        }
      }
    }
    assertThat(overflows).as("requests past the context").isPositive();
    assertThat(errors).as("injected 500s besides").isGreaterThan(overflows);
    assertThat(r.metric(tag("context_overflow_count")).avg()).isEqualTo((double) overflows);
    assertThat(r.metric(tag("error_request_count")).avg()).isEqualTo((double) errors);

    for (String t : List.of("inter_token_latency", "decode_duration")) {
      MetricResult plain = r.metric(tag(t));
      MetricResult adj = r.metric(tag("adj_" + t));
      assertThat(adj.count()).as(t).isEqualTo(plain.count() + errors);
      assertThat(adj.min()).as(t).isEqualTo(plain.min());
      assertThat(adj.max()).as(t).isInfinite();
      assertThat(adj.header()).isEqualTo(plain.header() + " (error-adjusted)");
    }
    String csv = Files.readString(dir.resolve("profile_export_aiperf.csv"));
    assertThat(csv).contains("Inter Token Latency (error-adjusted) (ms),")
        .contains("Decode Duration (error-adjusted) (ms),")
        .contains("Context Overflow Count," + overflows + ".00");
  }

  /** An open-loop run: its connections open on demand, none before the clock starts. */
  private static void runOpenLoop(String baseUrl, Path dir, int requests) {
    Benchmark.builder()
        .endpoint(Endpoints.openAiChat(baseUrl).model("demo").streaming(true))
        .dataset(Datasets.synthetic().inputTokens(20, 0).outputTokens(4, 0).seed(42))
        .requestRate(200).requestCount(requests).exporters("json").artifactDir(dir).run();
  }

  /**
   * {@code http_req_dns_lookup}: a name is looked up once per transport and the first connection
   * reports it (later ones find it cached, as AIPerf's aiohttp does); an IP literal needs no
   * lookup: 0. A closed-loop run opens its connections before its clock starts, so none of its
   * requests waited for a lookup.
   */
  @Test
  void dnsLookup_isReportedByTheFirstConnectionToAName_andIsZeroForAnAddress(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(2)).itl(Duration.ofMillis(1)).build())) {
      String byName = server.baseUrl().replace("127.0.0.1", "localhost");
      assertThat(byName).contains("localhost");
      runOpenLoop(byName, dir.resolve("name"), 8);
      runOpenLoop(server.baseUrl(), dir.resolve("ip"), 8);
      run(server, byName, dir.resolve("closed"), 20, 0, 4, 8);
    }
    for (JsonNode rec : records(dir.resolve("closed"))) {
      assertThat(value(rec, "http_req_dns_lookup")).as("looked up before the run").isZero();
      assertThat(value(rec, "http_req_connection_reused")).as("opened before the run").isOne();
    }
    List<Double> byName = new ArrayList<>();
    for (JsonNode rec : records(dir.resolve("name"))) {
      double dns = value(rec, "http_req_dns_lookup");
      byName.add(dns);
      if (dns > 0) {
        assertThat(value(rec, "http_req_connection_reused")).as("a lookup opens a connection")
            .isZero();
      }
    }
    // Each transport (a worker's, as each AIPerf worker's aiohttp session) looks the name up once.
    assertThat(byName).hasSize(8).allMatch(v -> v >= 0);
    assertThat(byName.stream().filter(v -> v > 0).count()).as("lookups").isBetween(1L, 2L);
    for (JsonNode rec : records(dir.resolve("ip"))) {
      assertThat(rec.at("/metrics/http_req_dns_lookup/value").isNumber()).isTrue();
      assertThat(value(rec, "http_req_dns_lookup")).isZero();
    }
  }
}
