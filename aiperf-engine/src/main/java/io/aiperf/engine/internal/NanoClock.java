package io.aiperf.engine.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The one place time is read, so tests can inject a clock and every timestamp has one source.
 */
public interface NanoClock {
  /**
   * A system property for tests only: makes {@link #SYSTEM} of this JVM run off the real clock by
   * an offset and a drift, as another host's clock would, e.g. {@code +2.5s,+40ppm} or
   * {@code -3s,-60ppm} (a drift alone: {@code 0s,25ppm}). Read once, when this class loads.
   */
  String TEST_SKEW_PROPERTY = "aiperf.testing.clockSkew";

  /**
   * The system clock: {@link System#nanoTime()} for intervals, the wall clock for reports. When
   * {@link #TEST_SKEW_PROPERTY} is set, the skewed version of it (the choice is made once, so
   * the call site sees one class either way).
   */
  NanoClock SYSTEM = Skewed.fromProperty(System.getProperty(TEST_SKEW_PROPERTY), new NanoClock() {
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
  });

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

  /**
   * A clock that runs off {@code base} as another host's would: {@code offsetNanos} ahead of it
   * from the moment it is made, and gaining {@code driftPpm} millionths of every interval (a
   * negative drift loses). The wall clock is left as it is.
   *
   * @param base the clock to skew
   * @param offsetNanos how far ahead (negative: behind) it starts
   * @param driftPpm how fast it gains, in parts per million
   * @return the skewed clock
   */
  static NanoClock skewed(NanoClock base, long offsetNanos, double driftPpm) {
    return new Skewed(base, offsetNanos, driftPpm);
  }

  /** See {@link #skewed}. */
  final class Skewed implements NanoClock {
    private final NanoClock base;
    private final long origin;
    private final long offsetNanos;
    private final double drift;

    Skewed(NanoClock base, long offsetNanos, double driftPpm) {
      this.base = base;
      this.origin = base.nanoTime();
      this.offsetNanos = offsetNanos;
      this.drift = driftPpm / 1e6;
    }

    @Override
    public long nanoTime() {
      long elapsed = base.nanoTime() - origin;
      return origin + offsetNanos + elapsed + (long) (elapsed * drift);
    }

    @Override
    public long wallNanos() {
      return base.wallNanos();
    }

    /**
     * Parses {@link #TEST_SKEW_PROPERTY}.
     *
     * @param spec the property's value, or null
     * @param base the real clock
     * @return {@code base} when there is no spec, else the skewed clock
     * @throws IllegalArgumentException if the spec is malformed
     */
    static NanoClock fromProperty(@Nullable String spec, NanoClock base) {
      if (spec == null || spec.isBlank()) {
        return base;
      }
      String[] parts = spec.trim().toLowerCase(Locale.ROOT).split("\\s*,\\s*");
      try {
        if (parts.length > 2 || !parts[0].endsWith("s")) {
          throw new NumberFormatException();
        }
        double seconds = Double.parseDouble(parts[0].substring(0, parts[0].length() - 1)
            .replace("+", ""));
        double ppm = 0;
        if (parts.length == 2) {
          if (!parts[1].endsWith("ppm")) {
            throw new NumberFormatException();
          }
          ppm = Double.parseDouble(parts[1].substring(0, parts[1].length() - 3)
              .replace("+", ""));
        }
        if (!Double.isFinite(seconds) || !Double.isFinite(ppm) || Math.abs(ppm) > 10_000) {
          throw new NumberFormatException();
        }
        org.slf4j.LoggerFactory.getLogger(NanoClock.class).warn("Testing only: this JVM's"
            + " clock is skewed by {} s and {} ppm ({})", seconds, ppm, TEST_SKEW_PROPERTY);
        return new Skewed(base, Math.round(seconds * 1e9), ppm);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(TEST_SKEW_PROPERTY + " was '" + spec + "' but it"
            + " must be an offset in seconds and an optional drift in ppm, e.g. '+2.5s,-40ppm'",
            e);
      }
    }
  }
}
