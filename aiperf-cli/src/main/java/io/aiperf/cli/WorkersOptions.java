package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Workers group: the local workers that send the requests. */
final class WorkersOptions {
  @Option(names = {"--workers-max", "--max-workers"}, description = "Workers (event loops); default CPU count, capped by concurrency.")
  @Nullable Integer workers;

  void configure(Benchmark.Builder b) {
    if (workers != null) {
      b.workers(workers);
    }
  }
}
