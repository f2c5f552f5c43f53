package io.aiperf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.Metrics;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.ReceivedRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The custom endpoint plugin, found by ServiceLoader, drives a real run. */
final class CustomEndpointIT {
  @Test
  void customEndpoint_isFoundByName_andShapesEveryRequest() throws Exception {
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(2)).itl(Duration.ofMillis(1)).recordRequests(100).build())) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.of("chat-with-system", server.baseUrl()).model("demo")
              .streaming(true))
          .concurrency(2).requestCount(10)
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(6, 0).seed(2))
          .run();
      assertThat(r.requestsCompleted()).isEqualTo(10);
      assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(6.0);
      assertThat(r.metric(Metrics.TTFT).count()).isEqualTo(10);
      for (ReceivedRequest q : server.receivedRequests()) {
        JsonNode messages = new ObjectMapper().readTree(q.body()).get("messages");
        assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).get("content").asText())
            .isEqualTo(SystemPromptChatEndpointProvider.SYSTEM_PROMPT);
        assertThat(messages.get(1).get("role").asText()).isEqualTo("user");
      }
    }
  }
}
