package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.MetricTag;
import io.aiperf.api.Metrics;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.ReceivedRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint type against the mock server over loopback: the body the server received, and
 * the metrics computed from what it answered; over plain HTTP, HTTPS and HTTP/2 over TLS.
 */
@ParameterizedClass
@EnumSource(Scheme.class)
final class EndpointsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REQUESTS = 8;
  private static final MetricTag REASONING = new MetricTag("reasoning_token_count");
  private static final MetricTag TTFO = new MetricTag("time_to_first_output_token");

  private static MockLlmServer server;
  private static MockLlmServer reasoningServer;

  @Parameter Scheme scheme;

  @BeforeParameterizedClassInvocation
  static void start(Scheme scheme) {
    server = MockLlmServer.start(scheme.server(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(5)).itl(Duration.ofMillis(1)).recordRequests(1_000).seed(3))
        .build());
    reasoningServer = MockLlmServer.start(scheme.server(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(5)).itl(Duration.ofMillis(2)).reasoningTokens(3)
        .recordRequests(1_000).seed(3)).build());
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
    reasoningServer.close();
  }

  /** The endpoint with the TLS options of this run's scheme, for the mock it names. */
  private EndpointConfig reach(EndpointConfig endpoint) {
    return scheme.endpoint(endpoint, endpoint.url().equals(server.baseUrl()) ? server
        : reasoningServer);
  }

  private BenchmarkResult run(EndpointConfig endpoint, int osl) {
    return Benchmark.builder().endpoint(reach(endpoint).model("demo")).concurrency(2)
        .requestCount(REQUESTS)
        .dataset(Datasets.synthetic().inputTokens(12, 0).outputTokens(osl, 0).seed(5)).run();
  }

  private BenchmarkResult runFile(EndpointConfig endpoint, Path file) {
    return Benchmark.builder().endpoint(reach(endpoint).model("demo")).concurrency(2)
        .requestCount(REQUESTS).dataset(Datasets.singleTurn(file)).run();
  }

  /** The requests the server got on this path, as JSON; each came over this run's protocol. */
  private List<JsonNode> bodies(MockLlmServer s, String path) throws IOException {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (ReceivedRequest r : s.receivedRequests()) {
      if (r.path().equals(path)) {
        assertThat(r.protocol()).isEqualTo(scheme.protocol());
        out.add(JSON.readTree(r.body()));
      }
    }
    return out;
  }

  private ReceivedRequest last(MockLlmServer s, String path) {
    List<ReceivedRequest> all = s.receivedRequests().stream().filter(r -> r.path().equals(path))
        .toList();
    assertThat(all.get(all.size() - 1).protocol()).isEqualTo(scheme.protocol());
    return all.get(all.size() - 1);
  }

  private static Path batchFile(Path dir) throws IOException {
    Path file = dir.resolve("batch.jsonl");
    Files.writeString(file, "{\"texts\": [\"what is a cat\", \"a cat is an animal\","
        + " \"the sky is blue\"]}\n");
    return file;
  }

  private static void assertNoTokenMetrics(BenchmarkResult r) {
    assertThat(r.requestsCompleted()).isEqualTo(REQUESTS);
    assertThat(r.requestsFailed()).isZero();
    assertThat(r.find(Metrics.OUTPUT_SEQUENCE_LENGTH)).isEmpty();
    assertThat(r.find(Metrics.TTFT)).isEmpty();
    assertThat(r.find(Metrics.OUTPUT_TOKEN_THROUGHPUT)).isEmpty();
    assertThat(r.metric(Metrics.REQUEST_LATENCY).count()).isEqualTo(REQUESTS);
    assertThat(r.metric(Metrics.REQUEST_LATENCY).min()).isGreaterThanOrEqualTo(5.0);
  }

  @Test
  void completions_streaming_sendsABareStringPrompt() throws Exception {
    BenchmarkResult r = run(Endpoints.openAiCompletions(server.baseUrl()).streaming(true), 6);
    assertThat(r.requestsCompleted()).isEqualTo(REQUESTS);
    assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(6.0);
    assertThat(r.metric(Metrics.INPUT_SEQUENCE_LENGTH).avg()).isEqualTo(12.0);
    assertThat(r.metric(Metrics.TTFT).count()).isEqualTo(REQUESTS);
    assertThat(r.metric(Metrics.TTFT).min()).isGreaterThanOrEqualTo(5.0);
    JsonNode body = bodies(server, "/v1/completions").get(0);
    assertThat(body.get("prompt").isTextual()).isTrue();
    assertThat(body.get("max_tokens").asInt()).isEqualTo(6);
    assertThat(body.get("stream").asBoolean()).isTrue();
  }

  @Test
  void embeddings_sendEveryTextAsOneBatch_andReportNoTokenMetrics(@TempDir Path dir)
      throws Exception {
    BenchmarkResult r = runFile(Endpoints.of("embeddings", server.baseUrl()).streaming(true),
        batchFile(dir));
    assertNoTokenMetrics(r);
    assertThat(r.metricsTitle()).isEqualTo("Embeddings Metrics");
    assertThat(r.warnings()).anyMatch(w -> w.startsWith("--streaming was ignored"));
    JsonNode body = bodies(server, "/v1/embeddings").get(0);
    assertThat(body.get("input")).hasSize(3);
    assertThat(body.get("model").asText()).isEqualTo("demo");
    assertThat(body.has("stream")).isFalse();
  }

  @Test
  void rankings_inEachFormat_queryFirstThenPassages(@TempDir Path dir) throws Exception {
    Path file = batchFile(dir);
    assertNoTokenMetrics(runFile(Endpoints.of("nim_rankings", server.baseUrl()), file));
    JsonNode nim = bodies(server, "/v1/ranking").get(0);
    assertThat(nim.at("/query/text").asText()).isEqualTo("what is a cat");
    assertThat(nim.get("passages")).hasSize(2);
    assertThat(nim.at("/passages/1/text").asText()).isEqualTo("the sky is blue");

    BenchmarkResult cohere = runFile(Endpoints.of("cohere_rankings", server.baseUrl()), file);
    assertNoTokenMetrics(cohere);
    assertThat(cohere.metricsTitle()).isEqualTo("Rankings Metrics");
    JsonNode c = bodies(server, "/v2/rerank").get(0);
    assertThat(c.get("query").asText()).isEqualTo("what is a cat");
    assertThat(c.get("documents")).hasSize(2);

    assertNoTokenMetrics(runFile(Endpoints.of("hf_tei_rankings", server.baseUrl()), file));
    JsonNode tei = bodies(server, "/rerank").get(0);
    assertThat(tei.get("texts")).hasSize(2);
    assertThat(tei.has("model")).isFalse();
  }

  @Test
  void huggingfaceGenerate_plainAndStreaming_countsEachTokenOnce() throws Exception {
    BenchmarkResult plain = run(Endpoints.of("huggingface_generate", server.baseUrl()), 7);
    assertThat(plain.requestsCompleted()).isEqualTo(REQUESTS);
    assertThat(plain.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(7.0);
    JsonNode body = bodies(server, "/generate").get(0);
    assertThat(body.get("inputs").isTextual()).isTrue();
    assertThat(body.at("/parameters/max_new_tokens").asInt()).isEqualTo(7);

    BenchmarkResult stream = run(Endpoints.of("huggingface_generate", server.baseUrl())
        .streaming(true), 7);
    // The last event repeats the whole text in generated_text; counting it would give 14.
    assertThat(stream.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(7.0);
    assertThat(stream.metric(Metrics.TTFT).count()).isEqualTo(REQUESTS);
    assertThat(bodies(server, "/generate_stream")).hasSize(REQUESTS);
  }

  @Test
  void responses_streaming_splitsReasoningFromOutput() throws Exception {
    BenchmarkResult r = run(Endpoints.of("responses", reasoningServer.baseUrl()).streaming(true),
        8);
    assertThat(r.requestsCompleted()).isEqualTo(REQUESTS);
    // 3 reasoning and 5 output tokens: OSL counts both, as AIPerf does.
    assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(8.0);
    assertThat(r.metric(Metrics.OUTPUT_TOKEN_COUNT).avg()).isEqualTo(5.0);
    assertThat(r.metric(REASONING).avg()).isEqualTo(3.0);
    // The first output token comes 3 ITLs (2 ms each) after the first reasoning token.
    assertThat(r.metric(TTFO).min() - r.metric(Metrics.TTFT).min()).isGreaterThan(3.0);
    assertThat(r.metric(new MetricTag("usage_completion_tokens")).avg()).isEqualTo(8.0);
    JsonNode body = bodies(reasoningServer, "/v1/responses").get(0);
    assertThat(body.at("/input/0/type").asText()).isEqualTo("message");
    assertThat(body.at("/input/0/content/0/type").asText()).isEqualTo("input_text");
    assertThat(body.get("max_output_tokens").asInt()).isEqualTo(8);

    BenchmarkResult whole = run(Endpoints.of("responses", reasoningServer.baseUrl()), 8);
    assertThat(whole.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(8.0);
    assertThat(whole.metric(REASONING).avg()).isEqualTo(3.0);
  }

  @Test
  void messages_streaming_sendsTheKeyAsXApiKey_andSplitsThinking() throws Exception {
    BenchmarkResult r = run(Endpoints.of("messages", reasoningServer.baseUrl()).streaming(true)
        .apiKey("sk-ant-test-123456"), 6);
    assertThat(r.requestsCompleted()).isEqualTo(REQUESTS);
    assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(6.0);
    assertThat(r.metric(REASONING).avg()).isEqualTo(3.0);
    assertThat(r.metric(Metrics.OUTPUT_TOKEN_COUNT).avg()).isEqualTo(3.0);
    // The mock counts prompt words, which need not equal the client's 12 tokens.
    assertThat(r.metric(new MetricTag("usage_prompt_tokens")).avg()).isPositive();
    ReceivedRequest q = last(reasoningServer, "/v1/messages");
    assertThat(q.headers()).containsEntry("x-api-key", "sk-ant-test-123456")
        .containsEntry("anthropic-version", "2023-06-01").doesNotContainKey("authorization");
    JsonNode body = JSON.readTree(q.body());
    assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
    assertThat(body.get("max_tokens").asInt()).isEqualTo(6);
    assertThat(r.config().endpoint().toString()).doesNotContain("sk-ant-test-123456");
  }

  @Test
  void chat_withReasoning_countsReasoningAndOutputApart() throws Exception {
    BenchmarkResult r = run(Endpoints.openAiChat(reasoningServer.baseUrl()).streaming(true), 10);
    assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(10.0);
    assertThat(r.metric(REASONING).avg()).isEqualTo(3.0);
    assertThat(r.metric(Metrics.OUTPUT_TOKEN_COUNT).avg()).isEqualTo(7.0);
    assertThat(r.metric(TTFO).count()).isEqualTo(REQUESTS);
  }

  @Test
  void template_rendersTheUserBody_andReadsTheResponseField() throws Exception {
    EndpointConfig e = Endpoints.of("template", reasoningServer.baseUrl()).path("/v1/completions")
        .extraInput("payload_template", "{\"prompt\": {{ text|tojson }}, \"model\": \"{{ model }}\","
            + " \"max_tokens\": {{ max_tokens }}, \"stream\": {{ stream }}}")
        .extraInput("response_field", "choices[0].text")
        .extraInput("ignore_eos", true);
    BenchmarkResult r = run(e, 5);
    assertThat(r.requestsCompleted()).isEqualTo(REQUESTS);
    assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(5.0);
    JsonNode body = JSON.readTree(last(reasoningServer, "/v1/completions").body());
    assertThat(body.get("model").asText()).isEqualTo("demo");
    assertThat(body.get("max_tokens").asInt()).isEqualTo(5);
    assertThat(body.get("ignore_eos").asBoolean()).isTrue();
    assertThat(body.has("payload_template")).isFalse();
    assertThat(body.has("response_field")).isFalse();
  }

  @Test
  void template_streams_readingTheFieldFromEachChunk() throws Exception {
    EndpointConfig e = Endpoints.of("template", reasoningServer.baseUrl()).path("/v1/completions")
        .streaming(true)
        .extraInput("payload_template", "{\"prompt\": {{ text|tojson }}, \"model\": \"{{ model }}\","
            + " \"max_tokens\": {{ max_tokens }}, \"stream\": {{ stream }}}")
        .extraInput("response_field", "choices[0].text")
        .extraInput("ignore_eos", true);
    BenchmarkResult r = run(e, 6);
    assertThat(r.requestsCompleted()).isEqualTo(REQUESTS);
    assertThat(r.requestsFailed()).isZero();
    // Streamed: one chunk per token, so the gaps between chunks are measured.
    assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(6.0);
    assertThat(r.metric(Metrics.INTER_TOKEN_LATENCY).count()).isEqualTo(REQUESTS);
    assertThat(r.metric(Metrics.TIME_TO_FIRST_TOKEN).count()).isEqualTo(REQUESTS);
    JsonNode body = JSON.readTree(last(reasoningServer, "/v1/completions").body());
    assertThat(body.get("stream").asBoolean()).isTrue();
  }

  /** A server on loopback answering each POST with the next of the given bodies, in turn. */
  private static HttpServer fixed(String... bodies) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger n = new AtomicInteger();
    http.createContext("/", x -> {
      x.getRequestBody().readAllBytes();
      byte[] b = bodies[n.getAndIncrement() % bodies.length].getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.sendResponseHeaders(200, b.length);
      x.getResponseBody().write(b);
      x.close();
    });
    http.start();
    return http;
  }

  @Test
  void unexpectedShape_isAnErrorRecordShowingTheBody_andTheRunGoesOn() throws Exception {
    Assumptions.assumeTrue(scheme == Scheme.PLAIN, "a plain-HTTP test server");
    HttpServer http = fixed("{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,0.2]}]}",
        "{\"surprise\": \"not an embedding\"}");
    try {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.of("embeddings", "http://127.0.0.1:" + http.getAddress().getPort())
              .model("demo"))
          .concurrency(1).requestCount(REQUESTS)
          .dataset(Datasets.synthetic().inputTokens(8, 0).seed(1)).run();
      assertThat(r.requestsCompleted()).isEqualTo(REQUESTS / 2);
      assertThat(r.requestsFailed()).isEqualTo(REQUESTS / 2);
      ErrorSummary error = r.errors().get(0);
      assertThat(error.type()).isEqualTo("ResponseParseError");
      assertThat(error.message()).contains("unexpected shape")
          .contains("{\"surprise\": \"not an embedding\"}");
    } finally {
      http.stop(0);
    }
  }

  @Test
  void useServerTokenCount_takesIslAndOslFromUsage_elseTheClientCounts() throws Exception {
    Assumptions.assumeTrue(scheme == Scheme.PLAIN, "a plain-HTTP test server");
    String answer = "{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
        + "{\"role\":\"assistant\",\"content\":\"hello world\"}}],\"usage\":{\"prompt_tokens\":"
        + "1234,\"completion_tokens\":77,\"total_tokens\":1311}}";
    HttpServer http = fixed(answer);
    try {
      EndpointConfig e = Endpoints.openAiChat("http://127.0.0.1:" + http.getAddress().getPort())
          .model("demo");
      BenchmarkResult server = Benchmark.builder().endpoint(e.useServerTokenCount(true))
          .concurrency(1).requestCount(4)
          .dataset(Datasets.synthetic().inputTokens(20, 0).seed(1)).run();
      assertThat(server.metric(Metrics.INPUT_SEQUENCE_LENGTH).avg()).isEqualTo(1234.0);
      assertThat(server.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(77.0);

      BenchmarkResult client = Benchmark.builder().endpoint(e).concurrency(1).requestCount(4)
          .dataset(Datasets.synthetic().inputTokens(20, 0).seed(1)).run();
      assertThat(client.metric(Metrics.INPUT_SEQUENCE_LENGTH).avg()).isEqualTo(20.0);
      assertThat(client.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(2.0);
      assertThat(client.warnings()).anyMatch(w -> w.contains("differ from the client tokenizer"));
    } finally {
      http.stop(0);
    }
  }
}
