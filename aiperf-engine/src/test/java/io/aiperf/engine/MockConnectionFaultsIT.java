package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkFailedException;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ErrorSummary;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.Outcomes;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The mock's connection faults as the client records them, checked against the mock's own count
 * of what it did: slow drip as a timeout, refused connections as connection errors, and idle
 * keep-alive closing as nothing at all; over plain HTTP, HTTPS and HTTP/2 over TLS alike.
 */
final class MockConnectionFaultsIT {
  private static final int REQUESTS = 40;
  private static final int CONCURRENCY = 4;

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
          .concurrency(CONCURRENCY).requestCount(REQUESTS)
          .dataset(Datasets.synthetic().inputTokens(10, 0).outputTokens(5, 0).seed(1)).run();
    } catch (BenchmarkFailedException e) {
      return e.partialResult().orElseThrow(() -> e);
    }
  }

  /**
   * The mock's count once it has seen every client leave: an answer the client gave up on is
   * counted when the mock notices its connection (or stream) closed, a moment after the client.
   */
  private static Outcomes settled(MockLlmServer server) {
    return await().atMost(Duration.ofSeconds(20)).until(server::outcomes,
        o -> o.inProgress() == 0);
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
      Outcomes truth = settled(server);
      assertThat(r.requestsSent()).isEqualTo(REQUESTS);
      assertThat(truth.received()).as("requests the mock received").isEqualTo(REQUESTS);
      assertThat(r.requestsFailed()).isPositive();
      assertThat(errors(r, "Timeout")).isEqualTo(r.requestsFailed());
      // A drip of a whole answer at one byte per 50 ms outlasts the 500 ms timeout: each one is
      // a timeout at the client and an answer the client left at the mock, and only those.
      assertThat(errors(r, "Timeout")).as("timeouts").isEqualTo(truth.slowDripsAbandoned());
      assertThat(truth.slowDripsAbandoned()).isEqualTo(truth.slowDrips());
      assertThat(truth.abandoned()).isEqualTo(truth.slowDripsAbandoned());
      assertThat(r.requestsCompleted()).isPositive();
      assertThat(r.requestsCompleted()).as("completed").isEqualTo(truth.completed());
    }
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void refusedConnections_endAsConnectionErrors(Scheme scheme) {
    try (MockLlmServer server = start(scheme, mock().refuseRate(30))) {
      BenchmarkResult r = run(scheme, server, Duration.ofSeconds(10));
      Outcomes truth = settled(server);
      assertThat(r.requestsSent()).isEqualTo(REQUESTS);
      if (scheme != Scheme.HTTPS_H2) {
        // One connection per request slot: some are refused. HTTP/2 may need just one.
        assertThat(r.requestsFailed()).isPositive();
      }
      // Over TLS too: a connection closed during the handshake is a connection error.
      assertThat(errors(r, "ConnectionError") + errors(r, "ConnectionClosed"))
          .isEqualTo(r.requestsFailed());
      // A refused connection is closed before a byte of it is read: the requests that failed on
      // one never reached the mock, and every other request reached it once and was answered.
      assertThat(truth.received()).as("requests the mock received")
          .isEqualTo(r.requestsSent() - r.requestsFailed());
      assertThat(r.requestsCompleted()).as("completed").isEqualTo(truth.completed());
      assertThat(truth.abandoned()).isZero();
      if (scheme == Scheme.HTTPS_H2) {
        // The requests waiting for a connection fail with it: one to all 4 slots per refusal.
        assertThat(r.requestsFailed()).isBetween(truth.refusedConnections(),
            4 * truth.refusedConnections());
      } else {
        // HTTP/1.1 opens a connection during the run for one request: each refusal then is one
        // failed request. The closed-loop run opens its concurrency's connections before its
        // clock starts (each worker its share, so fewer than twice the concurrency): a refusal
        // there is no request's, and a request that finds such a connection closed is sent
        // again on a new one, as after a keep-alive race.
        assertThat(r.requestsFailed()).as("failed")
            .isBetween(truth.refusedConnections() - (2 * CONCURRENCY - 1),
                truth.refusedConnections());
      }
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
      assertThat(r.requestsSent()).isEqualTo(REQUESTS);
      assertThat(r.errors()).isEmpty();
      assertThat(r.requestsCompleted()).isEqualTo(REQUESTS);
      // A request sent on a connection the mock had just closed is sent again on a new one: the
      // mock read and answered each request exactly once.
      Outcomes truth = settled(server);
      assertThat(truth.received()).as("requests the mock received").isEqualTo(REQUESTS);
      assertThat(truth.completed()).as("completed").isEqualTo(REQUESTS);
    }
  }
}
