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
import io.aiperf.mock.Outcomes;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server that fails in every way at once: every request the mock answered is counted as the
 * mock answered it, every failure is typed; over plain HTTP, HTTPS and HTTP/2 over TLS alike.
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

      assertThat(r.requestsSent()).isEqualTo(5_000);
      assertThat(r.requestsCancelled()).isZero();

      Map<String, Long> byType = r.errors().stream().collect(Collectors.groupingBy(
          ErrorSummary::type, Collectors.summingLong(ErrorSummary::count)));
      // The client's count of each outcome is the mock's own count of what it did. The mock
      // counts each end before the client can see it, so no waiting is needed.
      Outcomes truth = server.outcomes();
      assertThat(truth.received()).as("requests the mock received: each sent, once")
          .isEqualTo(r.requestsSent());
      assertThat(r.requestsCompleted()).as("completed").isEqualTo(truth.completed());
      assertThat(byType.get("Internal Server Error")).as("500s").isEqualTo(truth.internalServerErrors());
      assertThat(byType.get("Too Many Requests")).as("429s").isEqualTo(truth.rateLimited());
      assertThat(byType.get("ConnectionClosed")).as("disconnects").isEqualTo(truth.disconnected());
      assertThat(byType.get("InvalidInferenceResultError")).as("malformed answers").isEqualTo(truth.malformed());
      // The client gave up on no answer, and the mock ended every request it read.
      assertThat(truth.abandoned()).isZero();
      assertThat(truth.inProgress()).isZero();
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
