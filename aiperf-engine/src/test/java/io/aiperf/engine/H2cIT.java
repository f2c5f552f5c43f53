package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkFailedException;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.Metrics;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Whole benchmarks over HTTP/2 cleartext ({@code h2c://}) against the embedded mock server. */
final class H2cIT {
  private static MockLlmServer mock(int ttftMs, int itlMs) {
    return MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
        .ttft(Duration.ofMillis(ttftMs)).itl(Duration.ofMillis(itlMs)).seed(1).build());
  }

  private static String h2c(MockLlmServer server) {
    return server.baseUrl().replace("http://", "h2c://");
  }

  @Test
  void streamingChat_overH2c_measuresTheMockSchedule() {
    try (MockLlmServer server = mock(20, 5)) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(h2c(server)).model("demo").streaming(true))
          .concurrency(32).requestCount(500)
          .dataset(Datasets.synthetic().inputTokens(100, 0).outputTokens(50, 0).seed(42))
          .run();

      assertThat(r.requestsCompleted()).isEqualTo(500);
      assertThat(r.requestsFailed()).isZero();
      assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(50.0);
      assertThat(r.metric(Metrics.TIME_TO_FIRST_TOKEN).min()).isGreaterThanOrEqualTo(20.0);
      // Generous: 500 requests leave both sides partly unwarmed on a shared 2-core machine.
      assertThat(r.metric(Metrics.TIME_TO_FIRST_TOKEN).p50()).isBetween(20.0, 30.0);
      assertThat(r.metric(Metrics.INTER_TOKEN_LATENCY).avg()).isCloseTo(5.0, within(0.2));
      assertThat(r.metric(Metrics.INTER_CHUNK_LATENCY).count()).isEqualTo(500 * 49);
      assertThat(server.requestCount()).isEqualTo(500);
    }
  }

  @Test
  void cancellationAndTimeout_overH2c_resetOnlyTheirStreams() {
    try (MockLlmServer server = mock(100, 10)) {
      // Each request takes ~300 ms; cancelled ones are reset 50 ms after being sent.
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(h2c(server)).model("demo").streaming(true))
          .concurrency(32).requestCount(300)
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(20, 0).seed(1))
          .requestCancellation(20, Duration.ofMillis(50))
          .run();
      assertThat(r.requestsCompleted() + r.requestsCancelled()).isEqualTo(300);
      // Binomial(300, 0.2): mean 60, sd 6.9; about ±6 sd.
      assertThat(r.requestsCancelled()).isBetween(19L, 101L);
      assertThat(r.errors()).singleElement().satisfies(e ->
          assertThat(e.type()).isEqualTo("RequestCancellationError"));
      // The streams beside the reset ones are whole.
      assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(20.0);

      // Every stream outlives the timeout: each ends as a Timeout, and so does the run.
      assertThatThrownBy(() -> Benchmark.builder()
          .endpoint(Endpoints.openAiChat(h2c(server)).model("demo").streaming(true)
              .requestTimeout(Duration.ofMillis(150)))
          .concurrency(8).requestCount(16)
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(20, 0).seed(1))
          .run())
          .isInstanceOf(BenchmarkFailedException.class)
          .hasMessageContaining("all 16 failed")
          .hasMessageContaining("(16×): Timeout: No complete response within the request timeout");
    }
  }
}
