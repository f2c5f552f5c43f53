package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Request Cancellation group. */
final class CancellationOptions {
  @Option(names = "--request-cancellation-rate",
      description = "Percent of requests to cancel (error code 499).")
  @Nullable Double cancellationRate;

  @Option(names = "--request-cancellation-delay", defaultValue = "0",
      description = "Seconds after a request is fully sent before it is cancelled (default ${DEFAULT-VALUE}).")
  double cancellationDelay;

  void configure(Benchmark.Builder b, List<String> problems) {
    if (cancellationRate == null) {
      return;
    }
    if (!Double.isFinite(cancellationDelay)) {
      problems.add("--request-cancellation-delay was '" + cancellationDelay
          + "' but it must be a number of seconds");
    } else {
      b.requestCancellation(cancellationRate, Duration.ofNanos((long) (cancellationDelay * 1e9)));
    }
  }
}
