package io.aiperf.zmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.Metrics;
import io.aiperf.api.spi.MessageBusProvider;
import io.aiperf.api.spi.Plugins;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

final class ZmqProviderTest {
  @Test
  void serviceLoader_findsTheZmqProvider() {
    assertThat(ServiceLoader.load(MessageBusProvider.class).stream()
        .map(p -> p.get().name())).contains("zmq", "inmemory");
    assertThat(Plugins.select(MessageBusProvider.class, "zmq").getClass().getName())
        .isEqualTo("io.aiperf.zmq.internal.ZmqBusProvider");
  }

  @Test
  void zmq_isNeverChosenByPriority_overTheInMemoryBus() {
    assertThat(Plugins.select(MessageBusProvider.class, null).name()).isEqualTo("inmemory");
  }

  @Test
  void benchmark_runsOverTheZmqBus_withEveryRequestAccounted() {
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder()
        .host("127.0.0.1").port(0).ttft(Duration.ofMillis(1)).itl(Duration.ofMillis(1))
        .build())) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
          .concurrency(8).requestCount(300)
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(8, 0).seed(4))
          .messageBus("zmq")
          .run();
      assertThat(r.requestsSent()).isEqualTo(300);
      assertThat(r.requestsCompleted()).isEqualTo(300);
      assertThat(r.metric(Metrics.TIME_TO_FIRST_TOKEN).count()).isEqualTo(300);
      assertThat(r.config().messageBus()).contains("zmq");
    }
  }

  /**
   * The server-metrics and GPU-telemetry services work over the ZeroMQ bus as over the in-memory
   * one: their events (the baselines the timing manager waits for, the finish, the summaries,
   * which are plain records) cross it, and the window's counters stay exact.
   */
  @Test
  void telemetryServices_overZmq_countExactly() {
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder()
        .host("127.0.0.1").port(0).ttft(Duration.ofMillis(5)).itl(Duration.ofMillis(1))
        .build())) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
          .concurrency(4).requestCount(40).warmupRequestCount(8)
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(8, 0).seed(4))
          .serverMetrics().gpuTelemetry(java.net.URI.create(server.dcgmUrl()))
          .messageBus("zmq")
          .run();
      assertThat(r.serverMetrics().orElseThrow().metric("vllm:generation_tokens").stat("total"))
          .isEqualTo(r.metric(new io.aiperf.api.MetricTag("total_usage_completion_tokens"))
              .avg());
      assertThat(r.gpuTelemetry().orElseThrow().efficiency("nvidia_output_tokens_per_joule"))
          .isPresent();
    }
  }
}
