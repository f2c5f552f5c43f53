package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkListener;
import io.aiperf.api.BenchmarkProgress;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a run tells while it waits: the in-flight view in each progress snapshot, against a mock
 * whose silences are known (a first token after {@value #TTFT_MS} ms, or an answer dripped a byte
 * at a time).
 */
final class SilenceIT {
  private static final long TTFT_MS = 3_000;

  private static Benchmark.Builder run(MockLlmServer server, List<BenchmarkProgress> seen) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .dataset(Datasets.synthetic().inputTokens(8, 0).outputTokens(8, 0).seed(3))
        .listener(new BenchmarkListener() {
          @Override
          public void onProgress(BenchmarkProgress p) {
            seen.add(p);
          }
        });
  }

  @Test
  void requestsWaitingForAFirstToken_areCountedSilent_forAsLongAsTheServerWasQuiet() {
    List<BenchmarkProgress> seen = new CopyOnWriteArrayList<>();
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(TTFT_MS)).itl(Duration.ofMillis(1)).build())) {
      BenchmarkResult r = run(server, seen).concurrency(3).requestCount(3)
          .silenceWarning(Duration.ofSeconds(1)).run();
      assertThat(r.requestsCompleted()).isEqualTo(3);
    }
    // Every request sat silent past the 1 s threshold, for no longer than the mock's TTFT
    // (its headers go out with the first token) plus a report's age and scheduling slack.
    assertThat(seen).anySatisfy(p -> {
      assertThat(p.inFlight()).isEqualTo(3);
      assertThat(p.silent()).isEqualTo(3);
    });
    assertThat(seen).allSatisfy(p -> assertThat(p.longestSilence())
        .isLessThan(Duration.ofMillis(TTFT_MS + 1_500)));
    assertThat(seen.stream().map(BenchmarkProgress::longestSilence).max(Duration::compareTo)
        .orElseThrow()).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
    assertThat(seen).allSatisfy(p -> {
      assertThat(p.silent()).isLessThanOrEqualTo(p.inFlight());
      assertThat(p.oldestInFlight()).isGreaterThanOrEqualTo(p.longestSilence());
    });
  }

  @Test
  void requestsStillReceivingBytes_areNotSilent_butTheTimeSinceTheLastEndGrows() {
    List<BenchmarkProgress> seen = new CopyOnWriteArrayList<>();
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(1)).itl(Duration.ofMillis(1))
        .slowDrip(100, Duration.ofMillis(3)).build())) {
      BenchmarkResult r = run(server, seen).concurrency(2).requestCount(2)
          .silenceWarning(Duration.ofMillis(500)).run();
      assertThat(r.requestsCompleted()).isEqualTo(2);
    }
    // A byte every 3 ms: never half a second of silence, while no request ends for seconds.
    assertThat(seen).allSatisfy(p -> assertThat(p.silent()).isZero());
    assertThat(seen).anySatisfy(p -> {
      assertThat(p.inFlight()).isEqualTo(2);
      assertThat(p.sinceLastEnd()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
      assertThat(p.longestSilence()).isLessThan(Duration.ofMillis(500));
    });
  }
}
