package io.aiperf.examples;

import static io.aiperf.junit.AiperfAssertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.Metrics;
import io.aiperf.junit.AiperfTest;
import io.aiperf.mock.MockLlmServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Example: an SLO test that fails the build when the server gets slow. Against a real server,
 * drop {@code @AiperfTest} and the parameter, and use its URL.
 */
@AiperfTest(ttftMillis = 20, itlMillis = 5)
final class ChatSloTest {
  static BenchmarkResult benchmark(MockLlmServer server) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .concurrency(8).requestCount(64)
        .dataset(Datasets.synthetic().inputTokens(128, 0).outputTokens(16, 0).seed(3))
        .run();
  }

  @Test
  void ttftAndItlMeetTheirSlos(MockLlmServer server) {
    BenchmarkResult r = benchmark(server);
    assertThat(r).metric(Metrics.TTFT).p99().isLessThan(Duration.ofMillis(200));
    assertThat(r).metric(Metrics.ITL).avg().isLessThan(Duration.ofMillis(20));
    assertThat(r).errorRate().isZero();
  }
}
