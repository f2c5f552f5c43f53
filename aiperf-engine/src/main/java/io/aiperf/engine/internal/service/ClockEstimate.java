package io.aiperf.engine.internal.service;

import java.util.ArrayDeque;
import java.util.OptionalLong;

/**
 * The offset of this process's clock to the controller's, from round trips: a probe leaves at
 * local time {@code t1}, the controller reads its clock ({@code t2}), the answer arrives at
 * local {@code t4}. Whatever the delays on the way, the controller's reading happened between
 * the two local ones, so {@code t2 - (t1 + t4) / 2} is the offset within half the round trip:
 * a true bound, not a statistical one. The sample whose bound is tightest wins (as in NTP's and
 * PTP's clients), where a sample's bound also grows with its age by {@link #MAX_DRIFT}, the most
 * two clocks may drift apart between measurements.
 *
 * <p>Since each bound is certain, two samples whose bounds do not overlap mean a clock was set
 * or stepped between them (or drifted faster than any disciplined clock does): a <em>step</em>.
 * The older samples then no longer describe the clock, and are dropped.
 *
 * <p>Thread-safe (synchronized): it is fed once a second and read once per record.
 */
final class ClockEstimate {
  /**
   * The drift two clocks may have against each other: 500 ppm is the most the kernel slews a
   * clock that NTP disciplines, and far more than free-running crystals differ (tens of ppm).
   */
  static final double MAX_DRIFT = 500e-6;
  /** Samples kept: at one round of probes a second, the last half minute or so. */
  static final int WINDOW = 48;

  /**
   * One round trip.
   *
   * @param sent local time the probe left
   * @param controller the controller's clock when it answered
   * @param received local time the answer arrived
   */
  record Sample(long sent, long controller, long received) {
    long roundTrip() {
      return received - sent;
    }

    /** The controller's clock minus this one's, at the middle of the round trip. */
    long offset() {
      return controller - sent - roundTrip() / 2;
    }

    /** How far off {@link #offset()} may be at local time {@code now}. */
    long uncertaintyAt(long now) {
      return roundTrip() / 2 + (long) (Math.max(0, now - received) * MAX_DRIFT);
    }
  }

  private final ArrayDeque<Sample> window = new ArrayDeque<>();
  private Sample best = new Sample(0, 0, 0);
  private long samples;
  private long minRoundTrip = Long.MAX_VALUE;
  private int steps;
  private long largestStep;

  /**
   * Adds a round trip.
   *
   * @param s the sample; one with a negative round trip (clock read out of order) is ignored
   * @return the jump of the offset when this sample shows a step, else empty
   */
  synchronized OptionalLong add(Sample s) {
    if (s.roundTrip() < 0) {
      return OptionalLong.empty();
    }
    samples++;
    minRoundTrip = Math.min(minRoundTrip, s.roundTrip());
    OptionalLong step = OptionalLong.empty();
    if (!window.isEmpty()) {
      long jump = s.offset() - best.offset();
      if (Math.abs(jump) > s.uncertaintyAt(s.received()) + best.uncertaintyAt(s.received())) {
        steps++;
        largestStep = Math.abs(jump) > Math.abs(largestStep) ? jump : largestStep;
        window.clear();
        step = OptionalLong.of(jump);
      }
    }
    window.addLast(s);
    if (window.size() > WINDOW) {
      window.removeFirst();
    }
    Sample chosen = s;
    for (Sample c : window) {
      if (c.uncertaintyAt(s.received()) < chosen.uncertaintyAt(s.received())) {
        chosen = c;
      }
    }
    best = chosen;
    return step;
  }

  /** Whether any sample came in. */
  synchronized boolean known() {
    return samples > 0;
  }

  /** The controller's clock minus this one's; 0 until a sample came in. */
  synchronized long offsetNanos() {
    return best.offset();
  }

  /**
   * How far off {@link #offsetNanos()} may be.
   *
   * @param now local time
   * @return nanoseconds, 0 until a sample came in
   */
  synchronized long uncertaintyNanos(long now) {
    return window.isEmpty() ? 0 : best.uncertaintyAt(now);
  }

  /** The fastest round trip seen; 0 until a sample came in. */
  synchronized long minRoundTripNanos() {
    return minRoundTrip == Long.MAX_VALUE ? 0 : minRoundTrip;
  }

  synchronized long samples() {
    return samples;
  }

  synchronized int steps() {
    return steps;
  }

  /** The jump of the largest step (signed), 0 when none. */
  synchronized long largestStepNanos() {
    return largestStep;
  }
}
