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
import io.aiperf.api.Metrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The warnings against a server that behaves like an older OpenAI-style engine: it reads only
 * {@code max_tokens} (answering {@value #UNCAPPED} tokens otherwise) and counts the prompt through
 * a chat template that adds {@value #TEMPLATE} tokens. The mock honours every cap, so this is a
 * small server of its own.
 */
final class WarningsIT {
  private static final int UNCAPPED = 60;
  private static final int TEMPLATE = 13;
  private static final int ISL = 20;
  private static final int OSL = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer http;

  @BeforeEach
  void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", x -> {
      JsonNode body = JSON.readTree(x.getRequestBody().readAllBytes());
      int tokens = body.path("max_tokens").asInt(UNCAPPED);
      String content = "hello" + " hello".repeat(tokens - 1);
      byte[] b = JSON.writeValueAsBytes(JSON.createObjectNode().put("object", "chat.completion")
          .<com.fasterxml.jackson.databind.node.ObjectNode>set("choices", JSON.createArrayNode()
              .add(JSON.createObjectNode().put("index", 0).set("message",
                  JSON.createObjectNode().put("role", "assistant").put("content", content))))
          .set("usage", JSON.createObjectNode().put("prompt_tokens", ISL + TEMPLATE)
              .put("completion_tokens", tokens).put("total_tokens", ISL + TEMPLATE + tokens)));
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.sendResponseHeaders(200, b.length);
      x.getResponseBody().write(b);
      x.close();
    });
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  private BenchmarkResult run(EndpointConfig endpoint) {
    return Benchmark.builder().endpoint(endpoint.model("demo")).concurrency(2).requestCount(8)
        .dataset(Datasets.synthetic().inputTokens(ISL, 0).outputTokens(OSL, 0).seed(3)).run();
  }

  @Test
  void aServerIgnoringTheNewField_isToldApart_andTheNamedFixWorks() {
    EndpointConfig chat = Endpoints.openAiChat("http://127.0.0.1:" + http.getAddress().getPort());
    BenchmarkResult r = run(chat);
    assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(UNCAPPED);
    assertThat(r.warnings()).anyMatch(w -> w.contains("8 of 8 requests")
        && w.contains("ignored the length cap it was sent (max_completion_tokens)")
        && w.contains("--use-legacy-max-tokens") && !w.contains("ignore_eos"));
    assertThat(r.warnings()).anyMatch(w -> w.contains(TEMPLATE + " more prompt tokens per request")
        && w.contains("chat template"));

    BenchmarkResult fixed = run(chat.useLegacyMaxTokens(true));
    assertThat(fixed.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(OSL);
    assertThat(fixed.warnings()).noneMatch(w -> w.contains("output length"));
  }
}
