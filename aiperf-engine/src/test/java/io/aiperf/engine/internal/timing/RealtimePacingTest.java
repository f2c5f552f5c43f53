package io.aiperf.engine.internal.timing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.engine.internal.NanoClock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a real-time pacing thread keeps its priority, and when it gives it up. */
final class RealtimePacingTest {
  private long now = 1_000_000_000L;
  private long cpu;

  private final NanoClock clock = new NanoClock() {
    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public long wallNanos() {
      return now;
    }
  };

  private RealtimePacing realtime() {
    RealtimePacing pacing = new RealtimePacing(Pacer.parkThenSpin(clock), clock, () -> cpu);
    pacing.granted(new RealtimePriority.Grant(true, "SCHED_FIFO priority 10"));
    return pacing;
  }

  /** Moves the wall clock, the thread having worked {@code share} of that time. */
  private void elapse(long nanos, double share) {
    now += nanos;
    cpu += (long) (nanos * share);
  }

  @Test
  void aRealtimeThreadSpinsLess_andAnOrdinaryOneAsBefore() {
    assertThat(((Pacer.ParkThenSpin) realtime().pacer()).minSpinNanos())
        .isEqualTo(Pacer.REALTIME_MIN_SPIN_NANOS);
    RealtimePacing refused = new RealtimePacing(Pacer.parkThenSpin(clock), clock, () -> cpu);
    refused.granted(new RealtimePriority.Grant(false, "was not permitted"));
    assertThat(((Pacer.ParkThenSpin) refused.pacer()).minSpinNanos())
        .isEqualTo(Pacer.ORDINARY_SPIN_NANOS);
    for (int i = 0; i < 10; i++) {
      elapse(TimeUnit.MILLISECONDS.toNanos(300), 0.9);
      assertThat(refused.afterWait(now, TimeUnit.MILLISECONDS.toNanos(20))).isNull();
    }
  }

  @Test
  void aMostlyIdleThread_keepsRealTime() {
    RealtimePacing pacing = realtime();
    for (int i = 0; i < 100; i++) {
      elapse(TimeUnit.MILLISECONDS.toNanos(50), 0.3);
      assertThat(pacing.afterWait(now, 0)).isNull();
    }
    assertThat(((Pacer.ParkThenSpin) pacing.pacer()).minSpinNanos())
        .isEqualTo(Pacer.REALTIME_MIN_SPIN_NANOS);
  }

  @Test
  void aThreadBusyMoreThanHalfACore_givesItUp_andPacesAsAnOrdinaryOne() {
    RealtimePacing pacing = realtime();
    elapse(TimeUnit.MILLISECONDS.toNanos(60), 0.7);
    assertThat(pacing.afterWait(now, 0)).isNull(); // not a whole window yet
    elapse(TimeUnit.MILLISECONDS.toNanos(60), 0.7);
    assertThat(pacing.afterWait(now, 0)).contains("used 70% of a core").contains("ceiling");
    assertThat(((Pacer.ParkThenSpin) pacing.pacer()).minSpinNanos())
        .isEqualTo(Pacer.ORDINARY_SPIN_NANOS);
    elapse(TimeUnit.SECONDS.toNanos(1), 0.9);
    assertThat(pacing.afterWait(now, 0)).as("given up once").isNull();
  }

  @Test
  void threeSlipsWithinASecond_giveItUp_butSlipsSecondsApartDoNot() {
    RealtimePacing pacing = realtime();
    long slip = TimeUnit.MILLISECONDS.toNanos(15);
    for (int i = 0; i < 5; i++) { // a GC pause every 1.5 s
      elapse(TimeUnit.MILLISECONDS.toNanos(1_500), 0.1);
      assertThat(pacing.afterWait(now, slip)).isNull();
    }
    elapse(TimeUnit.MILLISECONDS.toNanos(300), 0.1);
    assertThat(pacing.afterWait(now, slip)).isNull();
    elapse(TimeUnit.MILLISECONDS.toNanos(300), 0.1);
    assertThat(pacing.afterWait(now, slip)).contains("slipped 3 times within a second")
        .contains("15.0 ms");
  }
}
