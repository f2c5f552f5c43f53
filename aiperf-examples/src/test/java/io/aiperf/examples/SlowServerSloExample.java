package io.aiperf.examples;

import static io.aiperf.junit.AiperfAssertions.assertThat;

import io.aiperf.api.Metrics;
import io.aiperf.junit.AiperfTest;
import io.aiperf.mock.MockLlmServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The same SLO against a server whose TTFT is 300 ms: it must fail. Not a *Test class, so the
 * build does not run it directly; {@link SloExamplesMetaTest} runs it and checks the failure.
 */
@AiperfTest(ttftMillis = 300, itlMillis = 5)
final class SlowServerSloExample {
  @Test
  void ttftMeetsItsSlo(MockLlmServer server) {
    assertThat(ChatSloTest.benchmark(server)).metric(Metrics.TTFT).p99()
        .isLessThan(Duration.ofMillis(200));
  }
}
