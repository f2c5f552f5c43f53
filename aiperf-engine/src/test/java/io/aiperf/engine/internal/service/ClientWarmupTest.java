package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.Endpoints;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The warm-up must run the path a real request takes, not the error path: every canned answer
 * parses as the endpoint's response, streamed or not, and yields tokens.
 */
final class ClientWarmupTest {
  @ParameterizedTest
  @CsvSource({"chat,true", "chat,false", "completions,true", "completions,false"})
  void everyWarmupRequest_succeeds_inTheUsersFormat(String type, boolean streaming)
      throws Exception {
    EndpointConfig user = (type.equals("chat") ? Endpoints.openAiChat("http://192.0.2.1:9")
        : Endpoints.openAiCompletions("http://192.0.2.1:9")).model("users-model")
        .streaming(streaming).apiKey("secret");
    try (CannedServer server = ClientWarmup.server()) {
      var warm = ClientWarmup.warmupConfig(Benchmark.builder().endpoint(user).concurrency(64)
          .build(), server.url());
      assertThat(warm.endpoint().urls()).containsExactly(server.url());
      assertThat(warm.endpoint().type()).isEqualTo(type);
      assertThat(warm.endpoint().streaming()).isEqualTo(streaming);
      BenchmarkResult r = SystemController.startWarmup(warm).await();
      assertThat(r.requestsSent()).isEqualTo(ClientWarmup.REQUESTS);
      assertThat(r.requestsCompleted()).isEqualTo(ClientWarmup.REQUESTS);
      assertThat(r.errors()).isEmpty();
      assertThat(r.metric(new io.aiperf.api.MetricTag("output_sequence_length")).avg()).isPositive();
      if (streaming) {
        assertThat(r.find(io.aiperf.api.Metrics.TIME_TO_FIRST_TOKEN)).isPresent();
        // Events arrive spaced, one read each, as from a server generating tokens: the client's
        // per-read path is what gets compiled. Back to back they would land in one read, ITL ~0.
        assertThat(r.metric(io.aiperf.api.Metrics.INTER_TOKEN_LATENCY).p50())
            .as("ms between events").isGreaterThan(0.1);
      }
    }
  }
}
