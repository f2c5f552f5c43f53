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

  WarmupOptions() {}

  WarmupOptions(WarmupOptions o) {
    warmupRequestCount = o.warmupRequestCount;
    warmupDuration = o.warmupDuration;
    warmupConcurrency = o.warmupConcurrency;
    warmupRequestRate = o.warmupRequestRate;
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
