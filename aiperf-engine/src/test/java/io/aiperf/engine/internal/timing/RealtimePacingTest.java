package io.aiperf.engine.internal.timing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.engine.internal.NanoClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a real-time pacing thread keeps its priority, gives it up, and takes it again. */
final class RealtimePacingTest {
  private static final int TID = 4242;
  private static final RealtimePriority.Grant FIFO =
      new RealtimePriority.Grant(true, "SCHED_FIFO priority 10");

  private long now = 1_000_000_000L;
  private long cpu;
  private long pauses;
  private RealtimePriority.Grant raiseAnswer = FIFO;
  private final List<String> changes = new ArrayList<>();

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

  private final ThreadPriorities priorities = new ThreadPriorities() {
    @Override
    public RealtimePriority.Grant raise(int tid, int priority) {
      // Above the I/O threads, or a woken pacing thread waits behind a busy one.
      assertThat(priority).isEqualTo(RealtimePriority.ABOVE_IO_PRIORITY);
      changes.add("raise " + tid);
      return raiseAnswer;
    }

    @Override
    public RealtimePriority.Grant lower(int tid) {
      changes.add("lower " + tid);
      return new RealtimePriority.Grant(true, "SCHED_OTHER");
    }
  };

  private RealtimePacing pacing() {
    return new RealtimePacing(Pacer.parkThenSpin(clock), clock, () -> cpu, () -> pauses,
        priorities, Runnable::run);
  }

  private RealtimePacing realtime() {
    RealtimePacing pacing = pacing();
    pacing.granted(FIFO, TID);
    return pacing;
  }

  /** Moves the wall clock, the thread having worked {@code share} of that time. */
  private void elapse(long nanos, double share) {
    now += nanos;
    cpu += (long) (nanos * share);
  }

  private static long spin(RealtimePacing pacing) {
    return ((Pacer.ParkThenSpin) pacing.pacer()).minSpinNanos();
  }

  private static long millis(long ms) {
    return TimeUnit.MILLISECONDS.toNanos(ms);
  }

  @Test
  void aRealtimeThreadSpinsLess_andARefusedOneNeverChanges() {
    assertThat(spin(realtime())).isEqualTo(Pacer.REALTIME_MIN_SPIN_NANOS);
    RealtimePacing refused = pacing();
    refused.granted(new RealtimePriority.Grant(false, "was not permitted"), TID);
    assertThat(spin(refused)).isEqualTo(Pacer.ORDINARY_SPIN_NANOS);
    for (int i = 0; i < 100; i++) {
      elapse(millis(300), 0.9);
      assertThat(refused.afterWait(now, millis(20))).isNull();
    }
    assertThat(changes).isEmpty();
  }

  @Test
  void aMostlyIdleThread_keepsRealTime() {
    RealtimePacing pacing = realtime();
    for (int i = 0; i < 100; i++) {
      elapse(millis(50), 0.3);
      assertThat(pacing.afterWait(now, 0)).isNull();
    }
    assertThat(spin(pacing)).isEqualTo(Pacer.REALTIME_MIN_SPIN_NANOS);
    assertThat(changes).isEmpty();
  }

  @Test
  void aCatchUpBurst_keepsRealTime_butTwoWindowsAboveHalfACoreGiveItUp() {
    RealtimePacing pacing = realtime();
    for (int i = 0; i < 20; i++) {
      elapse(millis(100), i % 5 == 0 ? 0.9 : 0.2); // the backlog of a stall leaving at once
      assertThat(pacing.afterWait(now, 0)).isNull();
    }
    elapse(millis(60), 0.7);
    assertThat(pacing.afterWait(now, 0)).isNull(); // not a whole window yet
    elapse(millis(60), 0.7);
    assertThat(pacing.afterWait(now, 0)).isNull(); // one window
    elapse(millis(100), 0.7);
    RealtimePacing.Change change = pacing.afterWait(now, 0);
    assertThat(change).isNotNull();
    assertThat(change.realtime()).isFalse();
    assertThat(change.detail()).contains("used 70% of a core for 200 ms").contains("ceiling")
        .contains("again in 2 s");
    assertThat(spin(pacing)).isEqualTo(Pacer.ORDINARY_SPIN_NANOS);
    assertThat(changes).containsExactly("lower " + TID);
  }

  @Test
  void threeSlipsWithinASecond_giveItUp_butSlipsSecondsApartDoNot() {
    RealtimePacing pacing = realtime();
    long slip = millis(15);
    for (int i = 0; i < 5; i++) { // a stall every 1.5 s
      elapse(millis(1_500), 0.1);
      assertThat(pacing.afterWait(now, slip)).isNull();
    }
    elapse(millis(300), 0.1);
    assertThat(pacing.afterWait(now, slip)).isNull();
    elapse(millis(300), 0.1);
    RealtimePacing.Change change = pacing.afterWait(now, slip);
    assertThat(change).isNotNull();
    assertThat(change.detail()).contains("slipped 3 times within a second").contains("15.0 ms");
  }

  @Test
  void slipsThatCollectionPausesExplain_keepRealTime() {
    RealtimePacing pacing = realtime();
    for (int i = 0; i < 6; i++) { // a warm-up's young collections, 60 ms each, 200 ms apart
      elapse(millis(200), 0.1);
      pauses += millis(60);
      assertThat(pacing.afterWait(now, millis(50))).isNull();
    }
    assertThat(changes).isEmpty();
  }

  @Test
  void realTimeGivenUp_isAskedForAgainAfterTwoSeconds_thenAfterTwiceAsLong() {
    RealtimePacing pacing = realtime();
    giveUpBySlips(pacing);
    assertThat(changes).containsExactly("lower " + TID);
    elapse(millis(1_900), 0.6);
    assertThat(pacing.afterWait(now, 0)).isNull();
    assertThat(changes).hasSize(1);
    elapse(millis(200), 0.6);
    assertThat(pacing.afterWait(now, 0)).as("the raise runs on another thread").isNull();
    assertThat(changes).containsExactly("lower " + TID, "raise " + TID);
    elapse(millis(1), 0.6);
    RealtimePacing.Change back = pacing.afterWait(now, 0);
    assertThat(back).isNotNull();
    assertThat(back.realtime()).isTrue();
    assertThat(back.detail()).contains("taken again");
    assertThat(spin(pacing)).isEqualTo(Pacer.REALTIME_MIN_SPIN_NANOS);

    RealtimePacing.Change again = giveUpBySlips(pacing);
    assertThat(again.detail()).contains("again in 4 s");
    elapse(millis(3_900), 0.6);
    assertThat(pacing.afterWait(now, 0)).isNull();
    assertThat(changes).hasSize(3);
    elapse(millis(200), 0.6);
    pacing.afterWait(now, 0);
    assertThat(changes).hasSize(4).last().isEqualTo("raise " + TID);
  }

  @Test
  void aRefusedRetry_leavesTheThreadOrdinary_andIsNotRepeated() {
    RealtimePacing pacing = realtime();
    giveUpBySlips(pacing);
    raiseAnswer = new RealtimePriority.Grant(false, "was not permitted");
    elapse(millis(2_100), 0.1);
    pacing.afterWait(now, 0);
    RealtimePacing.Change refused = pacing.afterWait(now, 0);
    assertThat(refused).isNotNull();
    assertThat(refused.realtime()).isFalse();
    assertThat(refused.detail()).contains("could not be taken again").contains("not permitted");
    for (int i = 0; i < 100; i++) {
      elapse(millis(1_000), 0.1);
      assertThat(pacing.afterWait(now, 0)).isNull();
    }
    assertThat(changes).containsExactly("lower " + TID, "raise " + TID);
    assertThat(spin(pacing)).isEqualTo(Pacer.ORDINARY_SPIN_NANOS);
  }

  private RealtimePacing.Change giveUpBySlips(RealtimePacing pacing) {
    RealtimePacing.Change change = null;
    for (int i = 0; i < 3; i++) {
      elapse(millis(100), 0.1);
      change = pacing.afterWait(now, millis(15));
    }
    assertThat(change).isNotNull();
    assertThat(change.realtime()).isFalse();
    return change;
  }
}
