package io.aiperf.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.SearchResult;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The load-search gate, as a CI build would write it, against a mock that saturates. */
final class SearchAssertionsTest {
  private static MockLlmServer server;
  private static SearchResult found;

  /**
   * Four decode slots: four users never queue (TTFT 10 ms), eight wait about a whole request
   * (10 + 8 x 3.5 ms), past the 40 ms limit.
   */
  @BeforeAll
  static void search() {
    server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
        .ioThreads(1).ttft(Duration.ofMillis(10)).itl(Duration.ofMillis(2))
        .saturation(4, Duration.ZERO, Duration.ofMillis(1).dividedBy(2)).build());
    found = Benchmark.search(config()).concurrency(1, 16).ttft(Duration.ofMillis(40))
        .attainment(0.5).maxRunsPerPoint(1).run();
  }

  private static BenchmarkConfig config() {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(8, 0).seed(1))
        .concurrency(1).requestCount(32).warmupRequestCount(4).exporters("json")
        .build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aBoundTheSearchMeets_passes() {
    assertThat(found.outcome()).as(found.describe()).isEqualTo(SearchResult.Outcome.FOUND);
    AiperfAssertions.assertThat(found).highestLoadIsAtLeast(4);
  }

  @Test
  void aBoundItMisses_failsWithTheAnswerItsIntervalAndEveryPoint() {
    assertThatThrownBy(() -> AiperfAssertions.assertThat(found).highestLoadIsAtLeast(100))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("Expected the highest load meeting the objectives to be at least"
            + " 100.0 but it was " + found.answer())
        .hasMessageContaining("(outcome FOUND, interval [" + found.lowerBound() + ", "
            + found.upperBound() + "])")
        .hasMessageContaining(found.describe());
    assertThat(found.upperBound()).isGreaterThan(found.answer()).isLessThan(100);
  }

  @Test
  void objectivesMissedAtTheLowestLoad_failEvenAZeroBound_sayingSo() {
    SearchResult never = Benchmark.search(config()).concurrency(1, 16).ttft(Duration.ofMillis(1))
        .maxRunsPerPoint(1).run();

    assertThatThrownBy(() -> AiperfAssertions.assertThat(never).highestLoadIsAtLeast(0))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("but it was NaN (outcome NEVER_MET")
        .hasMessageContaining("already at the lowest load, concurrency 1");
  }
}
