package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkFailedException;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ErrorSummary;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The mock's connection faults as the client records them: slow drip as a timeout, refused
 * connections as connection errors, and idle keep-alive closing as nothing at all; over plain HTTP,
 * HTTPS and HTTP/2 over TLS alike.
 */
final class MockConnectionFaultsIT {
  private static final int REQUESTS = 40;

  private static MockServerOptions.Builder mock() {
    return MockServerOptions.builder().port(0).ttft(Duration.ofMillis(2))
        .itl(Duration.ofMillis(1)).seed(7);
  }

  private static MockLlmServer start(Scheme scheme, MockServerOptions.Builder options) {
    return MockLlmServer.start(scheme.server(options).build());
  }

  private static BenchmarkResult run(Scheme scheme, MockLlmServer server, Duration timeout) {
    try {
      return Benchmark.builder()
          .endpoint(scheme.endpoint(Endpoints.openAiChat(server.baseUrl()), server).model("demo")
              .streaming(true).requestTimeout(timeout))
          .concurrency(4).requestCount(REQUESTS)
          .dataset(Datasets.synthetic().inputTokens(10, 0).outputTokens(5, 0).seed(1)).run();
    } catch (BenchmarkFailedException e) {
      return e.partialResult().orElseThrow(() -> e);
    }
  }

  private static void assertConserved(BenchmarkResult r) {
    assertThat(r.requestsSent()).isEqualTo(REQUESTS);
    assertThat(r.requestsCompleted() + r.requestsFailed() + r.requestsCancelled())
        .isEqualTo(r.requestsSent());
  }

  private static long errors(BenchmarkResult r, String type) {
    return r.errors().stream().filter(e -> e.type().equals(type))
        .mapToLong(ErrorSummary::count).sum();
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void slowDrip_endsAsTimeouts_andEveryRequestIsAccountedFor(Scheme scheme) {
    try (MockLlmServer server = start(scheme, mock().slowDrip(25, Duration.ofMillis(50)))) {
      BenchmarkResult r = run(scheme, server, Duration.ofMillis(500));
      assertConserved(r);
      assertThat(r.requestsFailed()).isPositive();
      assertThat(errors(r, "Timeout")).isEqualTo(r.requestsFailed());
      assertThat(r.requestsCompleted()).isPositive();
    }
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void refusedConnections_endAsConnectionErrors(Scheme scheme) {
    try (MockLlmServer server = start(scheme, mock().refuseRate(30))) {
      BenchmarkResult r = run(scheme, server, Duration.ofSeconds(10));
      assertConserved(r);
      if (scheme != Scheme.HTTPS_H2) {
        // One connection per request slot: some are refused. HTTP/2 may need just one.
        assertThat(r.requestsFailed()).isPositive();
      }
      // Over TLS too: a connection closed during the handshake is a connection error.
      assertThat(errors(r, "ConnectionError") + errors(r, "ConnectionClosed"))
          .isEqualTo(r.requestsFailed());
    }
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void idleClosedConnections_causeNoFailures(Scheme scheme) {
    try (MockLlmServer server = start(scheme, mock().idleTimeout(Duration.ofMillis(30)))) {
      // 40 requests/s over 4 slots: connections sit idle past 30 ms between requests.
      BenchmarkResult r;
      try {
        r = Benchmark.builder()
            .endpoint(scheme.endpoint(Endpoints.openAiChat(server.baseUrl()), server)
                .model("demo").streaming(true))
            .requestRate(40).concurrency(4).requestCount(REQUESTS)
            .dataset(Datasets.synthetic().inputTokens(10, 0).outputTokens(5, 0).seed(1)).run();
      } catch (BenchmarkFailedException e) {
        r = e.partialResult().orElseThrow(() -> e);
      }
      assertConserved(r);
      assertThat(r.errors()).isEmpty();
      assertThat(r.requestsCompleted()).isEqualTo(REQUESTS);
    }
  }
}
