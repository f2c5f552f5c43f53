package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Warmup group: requests sent first and discarded. */
final class WarmupOptions {
  @Option(names = "--warmup-request-count", description = "Warmup requests, discarded.")
  @Nullable Integer warmupRequestCount;

  @Option(names = "--warmup-duration", description = "Warmup seconds, discarded.")
  @Nullable Double warmupDuration;

  @Option(names = "--warmup-concurrency", description = "Concurrency during warmup (default: the profiling one).")
  @Nullable Integer warmupConcurrency;

  @Option(names = "--warmup-request-rate", description = "Request rate during warmup (default: the profiling one).")
  @Nullable Double warmupRequestRate;

  void configure(Benchmark.Builder b, List<String> problems) {
    if (warmupRequestCount != null) {
      b.warmupRequestCount(warmupRequestCount);
    }
    OptionChecks.seconds("--warmup-duration", warmupDuration, problems, b::warmupDuration);
    if (warmupConcurrency != null) {
      b.warmupConcurrency(warmupConcurrency);
    }
    if (warmupRequestRate != null) {
      b.warmupRequestRate(warmupRequestRate);
    }
  }
}
