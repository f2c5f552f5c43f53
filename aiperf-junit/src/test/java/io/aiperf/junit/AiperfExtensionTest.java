package io.aiperf.junit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.Metrics;
import io.aiperf.mock.MockLlmServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The extension gives each test the class's mock server; the assertions fail with the numbers. */
@AiperfTest(ttftMillis = 10, itlMillis = 1)
final class AiperfExtensionTest {
  private static MockLlmServer seen;

  private static BenchmarkResult run(MockLlmServer server) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .concurrency(4).requestCount(40)
        .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(8, 0).seed(1))
        .goodput(Map.of("time_to_first_token", 500.0))
        .run();
  }

  @Test
  void passingSlos_pass(MockLlmServer server) {
    remember(server);
    BenchmarkResult r = run(server);
    AiperfAssertions.assertThat(r).metric(Metrics.TTFT).p99().isLessThan(Duration.ofMillis(500));
    AiperfAssertions.assertThat(r).errorRate().isZero();
    AiperfAssertions.assertThat(r).goodputFraction().isAtLeast(0.95);
    AiperfAssertions.assertThat(r).meets("time_to_first_token.p50<500ms", "request_count>=40");
  }

  @Test
  void brokenSlo_failsNamingMetricStatisticValueThresholdAndRun(MockLlmServer server) {
    remember(server);
    BenchmarkResult r = run(server);
    assertThatThrownBy(() -> AiperfAssertions.assertThat(r).metric(Metrics.TTFT).p50()
        .isLessThan(Duration.ofMillis(1)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("time_to_first_token p50 was ")
        .hasMessageContaining(" ms, expected < 1.0 [chat " + server.baseUrl()
            + ", concurrency 4, 40 requests]");
  }

  @Test
  void meets_listsEveryBrokenSlo_notOnlyTheFirst(MockLlmServer server) {
    remember(server);
    BenchmarkResult r = run(server);
    assertThatThrownBy(() -> AiperfAssertions.assertThat(r).meets(
        "time_to_first_token.p99<1ms", "request_count>=40", "request_latency.avg<1ms"))
        .hasMessageStartingWith("2 of 3 SLOs broken:")
        .hasMessageContaining("time_to_first_token p99 was")
        .hasMessageContaining("request_latency avg was");
  }

  /** Every test of the class gets the same server, closed once after the last. */
  private static synchronized void remember(MockLlmServer server) {
    if (seen == null) {
      seen = server;
    } else if (seen != server) {
      throw new AssertionError("a second mock server was started for the same class");
    }
  }
}
