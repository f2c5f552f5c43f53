package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkListener;
import io.aiperf.api.BenchmarkProgress;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.LiveMetrics;
import io.aiperf.api.MetricResult;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The live statistics a listener sees while a run goes on, against a mock whose TTFT and ITL are
 * known: they are there before the end, grow with the run, and agree with the final result.
 */
final class LiveMetricsIT {
  private static Benchmark.Builder run(MockLlmServer server, List<LiveMetrics> live,
      List<BenchmarkProgress> progress) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(20, 0).seed(3))
        .workers(2)
        .listener(new BenchmarkListener() {
          @Override
          public void onProgress(BenchmarkProgress p) {
            progress.add(p);
          }

          @Override
          public void onLiveMetrics(LiveMetrics m) {
            live.add(m);
          }
        });
  }

  @Test
  void statisticsOfCompletedRequests_arriveDuringTheRun_andGrowWithIt() {
    List<LiveMetrics> live = new CopyOnWriteArrayList<>();
    List<BenchmarkProgress> progress = new CopyOnWriteArrayList<>();
    BenchmarkResult r;
    // About 20 + 19 x 5 = 115 ms a request, 4 at a time: some 5 s of run, 5 live snapshots.
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(20)).itl(Duration.ofMillis(5)).errorRate(10).seed(1)
        .build())) {
      r = run(server, live, progress).concurrency(4).requestCount(180).run();
    }
    assertThat(r.requestsFailed()).isPositive();
    List<LiveMetrics> during = live.stream()
        .filter(m -> m.metric("time_to_first_token").isPresent()).toList();
    assertThat(during).as("snapshots with a TTFT before the end").hasSizeGreaterThanOrEqualTo(2);
    long firstCount = during.get(0).metric("time_to_first_token").orElseThrow().count();
    long lastCount = during.get(during.size() - 1).metric("time_to_first_token").orElseThrow()
        .count();
    assertThat(firstCount).isLessThan(lastCount);
    assertThat(lastCount).isLessThanOrEqualTo(r.requestsCompleted());
    LiveMetrics last = during.get(during.size() - 1);
    MetricResult ttft = last.metric("time_to_first_token").orElseThrow();
    // The mock's TTFT is 20 ms; the histogram keeps 3 significant digits of the exact median.
    assertThat(ttft.p50()).isBetween(20.0, 60.0);
    assertThat(last.metric("inter_token_latency").orElseThrow().p50()).isCloseTo(5.0,
        within(0.5));
    assertThat(last.metric("request_throughput").orElseThrow().avg()).isPositive();
    assertThat(last.metric("output_token_throughput").orElseThrow().avg()).isPositive();
    assertThat(last.phase()).isIn(LiveMetrics.Phase.PROFILING, LiveMetrics.Phase.PROCESSING);
    assertThat(last.elapsed()).isPositive();
    // What the console table leaves out is left out here too.
    assertThat(last.metric("benchmark_duration")).isEmpty();
    assertThat(last.metric("error_request_count")).isEmpty();
    assertThat(last.workers()).extracting(LiveMetrics.WorkerStatus::id)
        .containsExactly("worker_0", "worker_1");
    assertThat(last.workers()).noneMatch(LiveMetrics.WorkerStatus::lost);
    assertThat(live).anySatisfy(m -> assertThat(m.errors()).isNotEmpty()
        .allSatisfy(e -> assertThat(e.code()).isEqualTo(500)));
    // Each snapshot follows the progress of the same tick.
    assertThat(progress).hasSizeGreaterThanOrEqualTo(live.size());
  }

  @Test
  void warmupRequests_showAsWarmup_andCountInNoStatistic() {
    List<LiveMetrics> live = new CopyOnWriteArrayList<>();
    List<BenchmarkProgress> progress = new CopyOnWriteArrayList<>();
    // Warmup answers take 1.5 s each: the warmup spans at least two progress ticks.
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(1_500)).itl(Duration.ofMillis(1)).build())) {
      run(server, live, progress).concurrency(2).requestCount(2).warmupRequestCount(4).run();
    }
    List<LiveMetrics> warmup = live.stream()
        .filter(m -> m.phase() == LiveMetrics.Phase.WARMUP).toList();
    assertThat(warmup).isNotEmpty().allSatisfy(m -> {
      assertThat(m.metrics()).isEmpty();
      assertThat(m.elapsed()).isZero();
    });
    assertThat(live).anySatisfy(m -> assertThat(m.warmupCompleted()).isBetween(1L, 4L));
  }
}
