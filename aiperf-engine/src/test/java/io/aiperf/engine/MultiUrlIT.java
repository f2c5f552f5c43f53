package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.ReceivedRequest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Several servers of one model: conversations take turns, a conversation stays on its server. */
final class MultiUrlIT {
  private static MockLlmServer mock() {
    return MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
        .ttft(Duration.ofMillis(2)).itl(Duration.ofMillis(1)).recordRequests(10_000).build());
  }

  @Test
  void conversationsTakeTurns_andEachStaysOnItsServer() {
    try (MockLlmServer a = mock(); MockLlmServer b = mock()) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(a.baseUrl()).urls(List.of(a.baseUrl(), b.baseUrl()))
              .model("demo").streaming(true))
          .dataset(Datasets.synthetic().inputTokens(8, 0).outputTokens(3, 0).turns(3, 0).seed(5))
          .concurrency(4).numSessions(20)
          .run();
      assertThat(r.requestsCompleted()).isEqualTo(60);
      assertThat(r.requestsFailed()).isZero();
      // 20 conversations of 3 turns, in turn over two servers: 10 each, whole.
      assertThat(a.receivedRequests()).hasSize(30);
      assertThat(b.receivedRequests()).hasSize(30);
      Set<String> onA = sessions(a.receivedRequests());
      Set<String> onB = sessions(b.receivedRequests());
      assertThat(onA).hasSize(10).doesNotContainAnyElementsOf(onB);
      assertThat(onB).hasSize(10);
    }
  }

  @Test
  void everyServerMustBeReachable() {
    try (MockLlmServer a = mock()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Benchmark.builder()
          .endpoint(Endpoints.openAiChat(a.baseUrl())
              .urls(List.of(a.baseUrl(), "http://127.0.0.1:9")).model("demo"))
          .dataset(Datasets.synthetic()).requestCount(4).run())
          .hasMessageContaining("cannot reach the server at http://127.0.0.1:9");
    }
  }

  private static Set<String> sessions(List<ReceivedRequest> requests) {
    Set<String> ids = new HashSet<>();
    requests.forEach(q -> ids.add(q.headers().get("x-correlation-id")));
    return ids;
  }
}
