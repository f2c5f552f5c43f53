package io.aiperf.engine.internal.timing;

import io.aiperf.engine.internal.NanoClock;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits until a moment with microsecond precision: parks until shortly before it, then spins the
 * rest. Event-loop timers would quantize every send to a millisecond.
 */
public interface Pacer {
  /**
   * How long an ordinary thread spins: its park wakes ~75 µs late at the median on Linux (the
   * kernel's 50 µs timer slack for ordinary threads, plus the wake-up).
   */
  long ORDINARY_SPIN_NANOS = 100_000;

  /**
   * The shortest spin of a real-time thread: it has no timer slack and wakes ~20 µs late at the
   * median, ~50 µs at p99, when the CPUs are busy. A short spin matters more than the last
   * microseconds: a real-time thread that spins is a core no ordinary thread may use, and at
   * 20,000 requests/s a 100 µs spin would never end.
   */
  long REALTIME_MIN_SPIN_NANOS = 20_000;

  /**
   * A real-time thread spins a tenth of the wait, within {@link #REALTIME_MIN_SPIN_NANOS} and
   * {@link #ORDINARY_SPIN_NANOS}: the longer it parks, the likelier its CPU went idle (a virtual
   * machine's vCPU halts), and waking one takes longer. At 1,000 requests/s a 20 µs spin left the
   * sends 25 µs late at the median and 120 µs at p99.
   */
  int REALTIME_SPIN_SHARE = 10;

  /**
   * Returns when the deadline has passed (at once if it already has).
   *
   * @param deadlineNanos a {@link NanoClock#nanoTime()} value
   * @return false if interrupted before the deadline
   */
  boolean awaitUntil(long deadlineNanos);

  /**
   * The pacer for a thread that now runs with real-time priority.
   *
   * @return a pacer suited to it; this one by default
   */
  default Pacer forRealtimeThread() {
    return this;
  }

  /**
   * The real pacer.
   *
   * @param clock the clock
   * @return a pacer that parks then spins
   */
  static Pacer parkThenSpin(NanoClock clock) {
    return new ParkThenSpin(clock, ORDINARY_SPIN_NANOS, ORDINARY_SPIN_NANOS);
  }

  /**
   * Parks until shortly before the deadline, then spins: a tenth of the wait, within the bounds.
   *
   * @param clock the clock
   * @param minSpinNanos the shortest spin
   * @param maxSpinNanos the longest spin
   */
  record ParkThenSpin(NanoClock clock, long minSpinNanos, long maxSpinNanos) implements Pacer {
    @Override
    public boolean awaitUntil(long deadline) {
      long remaining = deadline - clock.nanoTime();
      long spinNanos = Math.max(minSpinNanos,
          Math.min(maxSpinNanos, remaining / REALTIME_SPIN_SHARE));
      while (remaining > 0) {
        if (Thread.currentThread().isInterrupted()) {
          return false;
        }
        if (remaining > spinNanos) {
          LockSupport.parkNanos(remaining - spinNanos);
        } else {
          Thread.onSpinWait();
        }
        remaining = deadline - clock.nanoTime();
      }
      return true;
    }

    @Override
    public Pacer forRealtimeThread() {
      return new ParkThenSpin(clock, Math.min(minSpinNanos, REALTIME_MIN_SPIN_NANOS),
          maxSpinNanos);
    }
  }
}
