package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.Metrics;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server that fails in every way at once: nothing is lost, every failure is typed; over plain
 * HTTP, HTTPS and HTTP/2 over TLS alike.
 */
final class FaultsIT {
  @ParameterizedTest
  @EnumSource(Scheme.class)
  void tenPercentOfEachFault_everyRequestAccounted_successMetricsFromSuccessesOnly(Scheme scheme) {
    try (MockLlmServer server = MockLlmServer.start(scheme.server(MockServerOptions.builder()
        .host("127.0.0.1").port(0).ttft(Duration.ofMillis(1)).itl(Duration.ofMillis(1))
        .errorRate(10).faults(10, 10, 10).stall(10, Duration.ofMillis(50)).seed(11)).build())) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(scheme.endpoint(Endpoints.openAiChat(server.baseUrl()), server).model("demo")
              .streaming(true))
          .concurrency(32).requestCount(5_000)
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(8, 0).seed(4))
          .run();

      // Conservation: every request sent ends in exactly one record.
      assertThat(r.requestsSent()).isEqualTo(5_000);
      assertThat(r.requestsCompleted() + r.requestsFailed() + r.requestsCancelled())
          .isEqualTo(5_000);
      assertThat(r.requestsCancelled()).isZero();

      Map<String, Long> byType = r.errors().stream().collect(Collectors.groupingBy(
          ErrorSummary::type, Collectors.summingLong(ErrorSummary::count)));
      // Binomial(5000, 0.1): mean 500, sd 21; ±6 sd.
      for (String type : new String[] {"Internal Server Error", "Too Many Requests",
          "ConnectionClosed", "InvalidInferenceResultError"}) {
        assertThat(byType.getOrDefault(type, 0L)).as(type).isBetween(374L, 626L);
      }
      assertThat(byType.keySet()).containsExactlyInAnyOrder("Internal Server Error",
          "Too Many Requests", "ConnectionClosed", "InvalidInferenceResultError");
      assertThat(r.errors()).filteredOn(e -> e.type().equals("Too Many Requests"))
          .allSatisfy(e -> assertThat(e.code()).isEqualTo(429));

      // Success metrics come from successful requests only: full outputs, one TTFT each.
      assertThat(r.metric(Metrics.TIME_TO_FIRST_TOKEN).count()).isEqualTo(r.requestsCompleted());
      assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).min()).isEqualTo(8.0);
      assertThat(r.metric(Metrics.REQUEST_COUNT).avg()).isEqualTo(r.requestsCompleted());
      // The stalls show in the successful requests' TTFT tail.
      assertThat(r.metric(Metrics.TIME_TO_FIRST_TOKEN).max()).isGreaterThan(50.0);
    }
  }
}
