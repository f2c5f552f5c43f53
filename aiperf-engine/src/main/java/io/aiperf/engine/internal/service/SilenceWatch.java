package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkProgress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Says, on every UI, when a run is waiting on a server that has gone quiet: requests in flight
 * that have received nothing for the configured silence, or no request ending for six times that
 * (a minute by default) while some are still streaming. Without it a run against a server that stalls looks hung until the
 * request timeout (6 hours by default), with nothing saying what it waits for.
 */
final class SilenceWatch {
  /** A condition that lasts is repeated this often, so a log does not fill with it. */
  static final long REPEAT_NANOS = Duration.ofMinutes(1).toNanos();
  /** Requests that keep streaming are worth a word only after this many silences without an end. */
  static final int NO_END_FACTOR = 6;

  private final long silenceNanos;
  private final Duration requestTimeout;
  private long lastSilentWarning = Long.MIN_VALUE;
  private long lastNoEndWarning = Long.MIN_VALUE;

  SilenceWatch(Duration silence, Duration requestTimeout) {
    this.silenceNanos = silence.toNanos();
    this.requestTimeout = requestTimeout;
  }

  /**
   * Looks at one progress snapshot.
   *
   * @param p the snapshot
   * @param nowNanos the controller's clock, for the repeat interval
   * @return the warning to give now, if any
   */
  Optional<String> observe(BenchmarkProgress p, long nowNanos) {
    if (silenceNanos <= 0 || p.inFlight() == 0) {
      return Optional.empty();
    }
    if (p.silent() > 0) {
      if (lastSilentWarning != Long.MIN_VALUE && nowNanos - lastSilentWarning < REPEAT_NANOS) {
        return Optional.empty();
      }
      lastSilentWarning = nowNanos;
      return Optional.of(String.format(Locale.ROOT,
          "%d of %d request%s in flight ha%s received nothing from the server for %s or more"
              + " (the longest for %s); each waits until the request timeout (%s) unless the"
              + " server answers. --request-timeout-seconds gives up sooner;"
              + " --silence-warning-seconds raises this threshold for a server that"
              + " legitimately thinks this long.",
          p.silent(), p.inFlight(), p.inFlight() == 1 ? "" : "s", p.silent() == 1 ? "s" : "ve",
          human(silenceNanos), human(p.longestSilence().toNanos()),
          human(requestTimeout.toNanos())));
    }
    long noEnd = silenceNanos * NO_END_FACTOR;
    if (p.sinceLastEnd().toNanos() >= noEnd && (lastNoEndWarning == Long.MIN_VALUE
        || nowNanos - lastNoEndWarning >= REPEAT_NANOS)) {
      lastNoEndWarning = nowNanos;
      return Optional.of(String.format(Locale.ROOT,
          "No request has ended for %s: %d request%s in flight, the oldest sent %s ago, all"
              + " still receiving data; each ends when the server finishes it or at the request"
              + " timeout (%s).",
          human(p.sinceLastEnd().toNanos()), p.inFlight(), p.inFlight() == 1 ? "" : "s",
          human(p.oldestInFlight().toNanos()), human(requestTimeout.toNanos())));
    }
    return Optional.empty();
  }

  /** Seconds with a decimal up to two minutes, then minutes, then hours. */
  static String human(long nanos) {
    double seconds = nanos / 1e9;
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    if (seconds < 2 * 3600) {
      long s = Math.round(seconds);
      return String.format(Locale.ROOT, "%d min %d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
