package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

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
}
