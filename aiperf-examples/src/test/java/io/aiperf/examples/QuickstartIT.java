package io.aiperf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.Metrics;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The examples run, so they cannot rot. */
final class QuickstartIT {
  @Test
  void quickstart_measuresTheMock_andTheCustomMetricJoinsIn() {
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(10)).itl(Duration.ofMillis(2)).build())) {
      BenchmarkResult r = Quickstart.run(server.baseUrl());
      assertThat(r.requestsCompleted()).isEqualTo(200);
      assertThat(r.metric(Metrics.TIME_TO_FIRST_TOKEN).p50()).isBetween(10.0, 15.0);
      // The plugin from META-INF/services: 63 gaps of 2 ms between 64 tokens.
      assertThat(r.metric(new MetricTag("example_decode_duration")).p50())
          .isBetween(125.0, 135.0);
    }
  }
}
