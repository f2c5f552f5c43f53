package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.engine.internal.service.Messages.PacingPriority;
import io.aiperf.engine.internal.service.Messages.WorkerHealth;
import java.util.List;
import org.junit.jupiter.api.Test;

final class WarningsTest {
  private static WorkerHealth lag(String worker, long samples, long p99Nanos, long maxNanos) {
    return new WorkerHealth(worker, samples, p99Nanos, maxNanos, 0, 0, 0, 0);
  }

  @Test
  void quietLoops_giveNoWarning() {
    assertThat(Warnings.loopLag(List.of(lag("worker_0", 500, 300_000, 4_000_000),
        lag("worker_1", 500, 200_000, 1_000_000)))).isEmpty();
    assertThat(Warnings.loopLag(List.of())).isEmpty();
  }

  @Test
  void aLateLoop_isNamedWithItsLag_andTheWayOut() {
    assertThat(Warnings.loopLag(List.of(lag("worker_0", 500, 300_000, 4_000_000),
        lag("worker_1", 500, 7_500_000, 30_000_000))))
        .get().asString().contains("worker_1").contains("7.50 ms late at p99 (max 30.00 ms)")
        .contains("--workers-max").contains("aiperf calibrate");
  }

  @Test
  void oneLongStall_isWorthAWordToo() {
    assertThat(Warnings.loopLag(List.of(lag("worker_0", 500, 300_000,
        120_000_000)))).get().asString().contains("max 120.00 ms");
  }

  @Test
  void aLateLoop_namesTheJit_whenItWorkedThroughMuchOfTheRun() {
    List<WorkerHealth> late = List.of(lag("worker_0", 500, 2_500_000, 4_000_000));
    assertThat(Warnings.loopLag(late, 3_000, 5_000_000_000L)).get().asString()
        .contains("2.50 ms late").contains("JIT compilers worked 3.0 s during the 5.0 s run (60 %")
        .contains("--warmup-request-count");
    assertThat(Warnings.loopLag(late, 200, 5_000_000_000L)).get().asString()
        .doesNotContain("JIT");
    assertThat(Warnings.loopLag(late, -1, 5_000_000_000L)).get().asString()
        .doesNotContain("JIT");
    assertThat(Warnings.loopLag(List.of(lag("worker_0", 500, 300_000, 4_000_000)), 3_000,
        5_000_000_000L)).as("no lag, no word of the JIT").isEmpty();
  }

  /** Queue time (the pacer's lateness) of {@code p99Ms} at p99. */
  private static List<MetricResult> pacerLate(double p99Ms) {
    return List.of(new MetricResult(new MetricTag("client_queue_time"), "Client Queue Time",
        "ms", false, 1_000, 0.01, 0, p99Ms, 10, 0.1, 0, 0, 0, 0.01, 0.01, 0.01, p99Ms, p99Ms,
        p99Ms));
  }

  private static BenchmarkConfig rate(double rate, int concurrency) {
    Benchmark.Builder b = Benchmark.builder().endpoint(Endpoints.openAiChat("http://127.0.0.1:1")
        .model("m")).requestRate(rate).requestCount(100).dataset(Datasets.synthetic());
    if (concurrency > 0) {
      b.concurrency(concurrency);
    }
    return b.build();
  }

  @Test
  void aLatePacerThatWasRefusedRealTime_saysWhy_otherwiseNothingIsSaid() {
    PacingPriority refused = new PacingPriority(PacingPriority.State.REFUSED,
        "was not permitted (it needs root, CAP_SYS_NICE, or ulimit -r of at least 10)");
    assertThat(Warnings.ordinaryPacer(rate(5_000, 0), pacerLate(3.1), refused)).get().asString()
        .contains("3.10 ms late at p99").contains("ordinary thread")
        .contains("real-time priority was not permitted").contains("CAP_SYS_NICE");
    assertThat(Warnings.ordinaryPacer(rate(5_000, 0), pacerLate(0.5), refused))
        .as("on time: below max(1 ms, a tenth of the gap)").isEmpty();
    assertThat(Warnings.ordinaryPacer(rate(50, 0), pacerLate(1.9), refused))
        .as("at 50/s a tenth of the gap is 2 ms").isEmpty();
    assertThat(Warnings.ordinaryPacer(rate(5_000, 8), pacerLate(3.1), refused))
        .as("a concurrency ceiling holds requests back: its own warning").isEmpty();
    assertThat(Warnings.ordinaryPacer(rate(5_000, 0), pacerLate(3.1),
        new PacingPriority(PacingPriority.State.REALTIME, "SCHED_FIFO priority 10"))).isEmpty();
    assertThat(Warnings.ordinaryPacer(rate(5_000, 0), pacerLate(3.1),
        new PacingPriority(PacingPriority.State.GIVEN_UP, "was given up"))).isEmpty();
    assertThat(Warnings.ordinaryPacer(rate(5_000, 0), pacerLate(3.1), null)).isEmpty();
  }
}
