package io.aiperf.junit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Assertions on the server's metrics and the GPUs' efficiency, as a CI gate would write them. */
final class TelemetryAssertionsTest {
  private static MockLlmServer server;
  private static BenchmarkResult result;
  private static BenchmarkResult plain;

  @BeforeAll
  static void run() {
    server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
        .ttft(Duration.ofMillis(10)).itl(Duration.ofMillis(2)).build());
    Benchmark.Builder b = Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .concurrency(4).requestCount(40)
        .dataset(Datasets.synthetic().inputTokens(32, 0).outputTokens(16, 0).seed(1));
    plain = b.build().toBuilder().run();
    result = b.serverMetrics().gpuTelemetry(URI.create(server.dcgmUrl())).run();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void passingGates_pass() {
    AiperfAssertions.assertThat(result).serverMetric("vllm:kv_cache_usage_perc").max()
        .isLessThan(0.9);
    AiperfAssertions.assertThat(result).serverMetric("vllm:generation_tokens").total()
        .isAtLeast(640);
    AiperfAssertions.assertThat(result).serverMetric("vllm:time_to_first_token_seconds")
        .stat("p99_estimate").isLessThan(1.0);
    AiperfAssertions.assertThat(result).outputTokensPerJoule().isAtLeast(0.01);
    AiperfAssertions.assertThat(result).gpuEfficiency("nvidia_energy_per_output_token")
        .isLessThan(1e6);
  }

  @Test
  void brokenGates_failNamingTheMetricValueAndRun() {
    assertThatThrownBy(() -> AiperfAssertions.assertThat(result)
        .serverMetric("vllm:num_requests_running").max().isLessThan(1))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("vllm:num_requests_running max was ")
        .hasMessageContaining(" requests, expected < 1.0 [chat " + server.baseUrl());
    assertThatThrownBy(() -> AiperfAssertions.assertThat(result).outputTokensPerJoule()
        .isAtLeast(1e9))
        .hasMessageStartingWith("nvidia_output_tokens_per_joule was ")
        .hasMessageContaining(" tokens/J, expected >= 1.0E9");
    assertThatThrownBy(() -> AiperfAssertions.assertThat(result)
        .serverMetric("vllm:kv_cache_usage_perc").total())
        .hasMessageStartingWith("No statistic 'total' in metric 'vllm:kv_cache_usage_perc'");
    assertThatThrownBy(() -> AiperfAssertions.assertThat(result).serverMetric("sglang:nope"))
        .hasMessageStartingWith("No server metric 'sglang:nope' in this run");
  }

  @Test
  void aRunWithoutThem_saysHowToCollectThem() {
    assertThatThrownBy(() -> AiperfAssertions.assertThat(plain).serverMetric("x"))
        .hasMessageContaining(": collect them with Benchmark.builder().serverMetrics()");
    assertThatThrownBy(() -> AiperfAssertions.assertThat(plain).outputTokensPerJoule())
        .hasMessageContaining(": collect it with Benchmark.builder().gpuTelemetry(...)");
  }
}
