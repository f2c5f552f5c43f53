package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Service group: the run's own services and how long they may take to start. */
final class ServiceOptions {
  @Option(names = "--startup-timeout",
      description = "Seconds each start-up step (plugins, tokenizer, server reachability, services,"
          + " worker registration, dataset load) may take before the run fails naming it"
          + " (default 60).")
  @Nullable Double startupTimeout;

  @Option(names = {"--record-processors", "--record-processor-service-count"}, description = "Record processors; default the CPU count.")
  @Nullable Integer recordProcessors;

  void configure(Benchmark.Builder b, List<String> problems) {
    if (recordProcessors != null) {
      b.recordProcessors(recordProcessors);
    }
    OptionChecks.seconds("--startup-timeout", startupTimeout, problems, b::startupTimeout);
  }
}
