package io.aiperf.api;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The warmup group of {@link Benchmark.Builder}: a phase before profiling whose records are
 * discarded. Mutable while a builder holds it; {@link BenchmarkConfig} keeps its own copy.
 */
final class WarmupOptions {
  @Nullable Integer warmupRequestCount;
  @Nullable Duration warmupDuration;
  @Nullable Integer warmupConcurrency;
  @Nullable Double warmupRequestRate;
  @Nullable Integer warmupNumSessions;
  @Nullable Duration warmupGracePeriod;
  @Nullable ArrivalPattern warmupArrivalPattern;
  @Nullable Integer warmupPrefillConcurrency;
  @Nullable Duration warmupConcurrencyRampDuration;
  @Nullable Duration warmupRequestRateRampDuration;

  WarmupOptions() {}

  WarmupOptions(WarmupOptions o) {
    warmupRequestCount = o.warmupRequestCount;
    warmupDuration = o.warmupDuration;
    warmupConcurrency = o.warmupConcurrency;
    warmupRequestRate = o.warmupRequestRate;
    warmupNumSessions = o.warmupNumSessions;
    warmupGracePeriod = o.warmupGracePeriod;
    warmupArrivalPattern = o.warmupArrivalPattern;
    warmupPrefillConcurrency = o.warmupPrefillConcurrency;
    warmupConcurrencyRampDuration = o.warmupConcurrencyRampDuration;
    warmupRequestRateRampDuration = o.warmupRequestRateRampDuration;
  }

  void clear() {
    warmupRequestCount = null;
    warmupDuration = null;
    warmupConcurrency = null;
    warmupRequestRate = null;
    warmupNumSessions = null;
    warmupGracePeriod = null;
    warmupPrefillConcurrency = null;
    warmupConcurrencyRampDuration = null;
    warmupRequestRateRampDuration = null;
    warmupArrivalPattern = null;
  }

  boolean present() {
    return warmupRequestCount != null || warmupDuration != null || warmupNumSessions != null;
  }

  /** The settings that shape a warmup, checked against what the run gives it to shape. */
  void checkShape(@Nullable Double profilingRate, @Nullable EndpointConfig endpoint,
      List<String> problems) {
    if (warmupNumSessions != null && warmupNumSessions < 1) {
      problems.add(ConfigChecks.fmt("warmupNumSessions was '%d' but it must be at least 1",
          warmupNumSessions));
    }
    if (warmupGracePeriod != null && warmupGracePeriod.isNegative()) {
      problems.add("warmupGracePeriod was '" + warmupGracePeriod + "' but it must be zero or"
          + " positive");
    }
    if (warmupGracePeriod != null && warmupDuration == null) {
      problems.add("warmupGracePeriod was set but it applies to a warmup by duration"
          + " (warmupDuration) only");
    }
    boolean rate = warmupRequestRate != null || profilingRate != null;
    if (warmupArrivalPattern != null && !rate) {
      problems.add("warmupArrivalPattern was set but it needs a request rate (warmupRequestRate"
          + " or requestRate)");
    }
    if (warmupRequestRateRampDuration != null && !rate) {
      problems.add("warmupRequestRateRampDuration was set but it needs a request rate"
          + " (warmupRequestRate or requestRate)");
    }
    if (warmupPrefillConcurrency != null) {
      if (warmupPrefillConcurrency < 1) {
        problems.add(ConfigChecks.fmt("warmupPrefillConcurrency was '%d' but it must be at"
            + " least 1", warmupPrefillConcurrency));
      } else if (endpoint != null && !endpoint.streaming()) {
        problems.add("warmupPrefillConcurrency was set but it needs streaming: the first token"
            + " is what ends a request's prefill");
      }
    }
    boolean shaped = warmupNumSessions != null || warmupGracePeriod != null
        || warmupArrivalPattern != null || warmupPrefillConcurrency != null
        || warmupConcurrencyRampDuration != null || warmupRequestRateRampDuration != null
        || warmupConcurrency != null || warmupRequestRate != null;
    if (shaped && !present()) {
      problems.add("warmup settings were given but no warmup runs: set warmupRequestCount,"
          + " warmupDuration or warmupNumSessions");
    }
  }

  void checkRate(List<String> problems) {
    if (warmupRequestRate != null && !(warmupRequestRate > 0)) {
      problems.add(ConfigChecks.fmt("warmupRequestRate was '%s' but it must be > 0",
          warmupRequestRate));
    }
  }

  void checkBounds(List<String> problems) {
    if (warmupConcurrency != null && warmupConcurrency < 1) {
      problems.add(ConfigChecks.fmt("warmupConcurrency was '%d' but it must be at least 1",
          warmupConcurrency));
    }
    if (warmupRequestCount != null && warmupRequestCount < 1) {
      problems.add(ConfigChecks.fmt("warmupRequestCount was '%d' but it must be at least 1",
          warmupRequestCount));
    }
    if (warmupRequestCount != null && warmupDuration != null) {
      problems.add("warmupRequestCount and warmupDuration were both set but a warmup ends by"
          + " one of them");
    }
  }
}
