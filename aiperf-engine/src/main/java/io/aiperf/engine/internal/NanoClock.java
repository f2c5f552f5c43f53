package io.aiperf.engine.internal;

/**
 * The one place time is read, so tests can inject a clock and every timestamp has one source.
 */
public interface NanoClock {
  /** The system clock: {@link System#nanoTime()} for intervals, the wall clock for reports. */
  NanoClock SYSTEM = new NanoClock() {
    @Override
    @SuppressForbidden(reason = "the clock itself")
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long wallNanos() {
      java.time.Instant now = java.time.Instant.now();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
  };

  /**
   * Returns a monotonic timestamp for measuring intervals.
   *
   * @return nanoseconds from an arbitrary origin
   */
  long nanoTime();

  /**
   * Returns the wall-clock time, for reported start and end times only.
   *
   * @return nanoseconds since the epoch
   */
  long wallNanos();
}
