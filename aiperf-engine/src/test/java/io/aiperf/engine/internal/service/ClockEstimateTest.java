package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.engine.internal.service.ClockEstimate.Sample;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The offset from round trips: the tightest bound wins, and bounds that disagree are a step. */
final class ClockEstimateTest {
  private static final long MS = 1_000_000L;
  /** The controller's clock is this far ahead of the local one. */
  private static final long TRUE_OFFSET = 4_321 * MS;

  /** A round trip leaving at {@code sent} whose answer is read {@code out} ms after it left. */
  private static Sample trip(long sent, long out, long back, long offset) {
    return new Sample(sent, sent + out + offset, sent + out + back);
  }

  @Test
  void theFastestRoundTripWins_andItsHalfIsTheUncertainty() {
    ClockEstimate e = new ClockEstimate();
    // Asymmetric delays: a slow way out (8 ms) and a fast way back (2 ms) bias the midpoint.
    e.add(trip(1_000 * MS, 8 * MS, 2 * MS, TRUE_OFFSET));
    assertThat(e.offsetNanos()).isEqualTo(TRUE_OFFSET + 3 * MS);
    assertThat(e.uncertaintyNanos(1_010 * MS)).isEqualTo(5 * MS);
    // A faster one, a little later: it wins, and its bound still holds the truth.
    e.add(trip(1_020 * MS, MS, MS / 2, TRUE_OFFSET));
    assertThat(e.offsetNanos()).isEqualTo(TRUE_OFFSET + MS / 4);
    assertThat(Math.abs(e.offsetNanos() - TRUE_OFFSET))
        .isLessThanOrEqualTo(e.uncertaintyNanos(1_021_500_000L));
    assertThat(e.minRoundTripNanos()).isEqualTo(3 * MS / 2);
    // A slower later one does not displace it.
    e.add(trip(1_030 * MS, 6 * MS, 6 * MS, TRUE_OFFSET));
    assertThat(e.offsetNanos()).isEqualTo(TRUE_OFFSET + MS / 4);
    assertThat(e.samples()).isEqualTo(3);
    assertThat(e.steps()).isZero();
  }

  @Test
  void anOldSample_losesToAFreshOne_asTheClocksMayHaveDriftedSince() {
    ClockEstimate e = new ClockEstimate();
    e.add(trip(0, MS / 10, MS / 10, TRUE_OFFSET)); // 0.1 ms each way
    // 20 s later the old bound has grown by 500 ppm x 20 s = 10 ms: a 2 ms round trip wins.
    long later = 20_000 * MS;
    e.add(trip(later, MS, MS, TRUE_OFFSET + 2 * MS)); // the clocks drifted 100 ppm meanwhile
    assertThat(e.offsetNanos()).isEqualTo(TRUE_OFFSET + 2 * MS);
    assertThat(e.steps()).isZero();
  }

  @Test
  void boundsThatCannotBothHold_areAStep_andTheOldSamplesGo() {
    ClockEstimate e = new ClockEstimate();
    for (int i = 0; i < 5; i++) {
      assertThat(e.add(trip(i * 100 * MS, MS, MS, TRUE_OFFSET))).isEmpty();
    }
    // The local clock is set back by 250 ms: the controller now reads 250 ms further ahead.
    OptionalLong step = e.add(trip(600 * MS, MS, MS, TRUE_OFFSET + 250 * MS));
    assertThat(step).hasValue(250 * MS);
    assertThat(e.steps()).isEqualTo(1);
    assertThat(e.largestStepNanos()).isEqualTo(250 * MS);
    // The estimate follows the new clock at once, and the old (tighter) samples are gone.
    assertThat(e.offsetNanos()).isEqualTo(TRUE_OFFSET + 250 * MS);
    e.add(trip(700 * MS, MS, MS, TRUE_OFFSET + 250 * MS));
    assertThat(e.steps()).isEqualTo(1);
  }

  @Test
  void aJumpWithinTheBounds_isNoStep() {
    ClockEstimate e = new ClockEstimate();
    e.add(trip(0, 5 * MS, 5 * MS, TRUE_OFFSET)); // +/- 5 ms
    // 4 ms away, within the two bounds (5 + 1 ms and a little drift): no step.
    assertThat(e.add(trip(100 * MS, MS, MS, TRUE_OFFSET + 4 * MS))).isEmpty();
  }

  @Test
  void aRoundTripReadOutOfOrder_isIgnored() {
    ClockEstimate e = new ClockEstimate();
    assertThat(e.add(new Sample(10 * MS, 0, 5 * MS))).isEmpty();
    assertThat(e.known()).isFalse();
    assertThat(e.offsetNanos()).isZero();
    assertThat(e.uncertaintyNanos(0)).isZero();
  }
}
