package io.aiperf.cli;

import io.aiperf.api.ArrivalPattern;
import io.aiperf.api.Benchmark;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * AIPerf's Warmup group: requests sent first and discarded. A warmup runs when a count, a
 * duration or a session count is given; its other settings default to the profiling ones.
 */
final class WarmupOptions {
  @Option(names = {"--warmup-request-count", "--num-warmup-requests"},
      description = "Warmup requests, discarded.")
  @Nullable Integer warmupRequestCount;

  @Option(names = "--warmup-duration", description = "Warmup seconds, discarded.")
  @Nullable Double warmupDuration;

  @Option(names = "--num-warmup-sessions",
      description = "Warmup sessions (conversations), discarded; with a count or duration too,"
          + " the warmup ends at whichever comes first.")
  @Nullable Integer warmupSessions;

  @Option(names = "--warmup-concurrency", description = "Concurrency during warmup (default: the profiling one).")
  @Nullable Integer warmupConcurrency;

  @Option(names = "--warmup-request-rate", description = "Request rate during warmup (default: the profiling one).")
  @Nullable Double warmupRequestRate;

  @Option(names = "--warmup-arrival-pattern",
      description = "constant, poisson or gamma during a warmup at a request rate (default: the"
          + " profiling one).")
  @Nullable String warmupArrivalPattern;

  @Option(names = "--warmup-prefill-concurrency",
      description = "Prefill concurrency during warmup (default: the profiling one).")
  @Nullable Integer warmupPrefillConcurrency;

  @Option(names = "--warmup-grace-period",
      description = "Seconds requests in flight at the end of a --warmup-duration warmup may"
          + " finish (default: all of them).")
  @Nullable Double warmupGracePeriod;

  @Option(names = "--warmup-concurrency-ramp-duration",
      description = "Concurrency ramp during warmup, seconds (default: the profiling one).")
  @Nullable Double warmupConcurrencyRamp;

  @Option(names = "--warmup-request-rate-ramp-duration",
      description = "Request-rate ramp during warmup, seconds (default: the profiling one).")
  @Nullable Double warmupRequestRateRamp;

  void configure(Benchmark.Builder b, List<String> problems) {
    if (warmupRequestCount != null) {
      b.warmupRequestCount(warmupRequestCount);
    }
    OptionChecks.seconds("--warmup-duration", warmupDuration, problems, b::warmupDuration);
    if (warmupSessions != null) {
      b.warmupNumSessions(warmupSessions);
    }
    if (warmupConcurrency != null) {
      b.warmupConcurrency(warmupConcurrency);
    }
    if (warmupRequestRate != null) {
      b.warmupRequestRate(warmupRequestRate);
    }
    if (warmupArrivalPattern != null) {
      try {
        b.warmupArrivalPattern(ArrivalPattern.valueOf(warmupArrivalPattern
            .toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        problems.add("--warmup-arrival-pattern was '" + warmupArrivalPattern
            + "' but it must be constant, poisson or gamma");
      }
    }
    if (warmupPrefillConcurrency != null) {
      b.warmupPrefillConcurrency(warmupPrefillConcurrency);
    }
    OptionChecks.seconds("--warmup-grace-period", warmupGracePeriod, problems,
        b::warmupGracePeriod);
    OptionChecks.seconds("--warmup-concurrency-ramp-duration", warmupConcurrencyRamp, problems,
        b::warmupConcurrencyRampDuration);
    OptionChecks.seconds("--warmup-request-rate-ramp-duration", warmupRequestRateRamp, problems,
        b::warmupRequestRateRampDuration);
  }
}
