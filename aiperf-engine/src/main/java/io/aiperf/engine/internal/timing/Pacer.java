package io.aiperf.engine.internal.timing;

import io.aiperf.engine.internal.NanoClock;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits until a moment with microsecond precision: parks until shortly before it (parking is
 * cheap but wakes up to ~60 µs late on Linux), then spins the rest. Event-loop timers would
 * quantize every send to a millisecond.
 */
public interface Pacer {
  /**
   * Returns when the deadline has passed (at once if it already has).
   *
   * @param deadlineNanos a {@link NanoClock#nanoTime()} value
   * @return false if interrupted before the deadline
   */
  boolean awaitUntil(long deadlineNanos);

  /**
   * The real pacer.
   *
   * @param clock the clock
   * @return a pacer that parks then spins
   */
  static Pacer parkThenSpin(NanoClock clock) {
    long spinNanos = 100_000;
    return deadline -> {
      while (true) {
        long remaining = deadline - clock.nanoTime();
        if (remaining <= 0) {
          return true;
        }
        if (Thread.currentThread().isInterrupted()) {
          return false;
        }
        if (remaining > spinNanos) {
          LockSupport.parkNanos(remaining - spinNanos);
        } else {
          Thread.onSpinWait();
        }
      }
    };
  }
}
