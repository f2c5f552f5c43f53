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

  @Option(names = "--log-level", paramLabel = "LEVEL",
      description = "TRACE, DEBUG, INFO (default), NOTICE, WARNING, SUCCESS, ERROR or CRITICAL:"
          + " what is logged (the run's logs/aiperf.log too); the console shows warnings and"
          + " errors, and DEBUG or TRACE output as well when asked for.")
  @Nullable String logLevel;

  @Option(names = {"--verbose", "-v"}, description = "Same as --log-level DEBUG.")
  boolean verbose;

  @Option(names = {"--extra-verbose", "-vv"}, description = "Same as --log-level TRACE.")
  boolean extraVerbose;

  /** The level the flags ask for: -vv, then -v, then --log-level, else INFO. */
  String logLevel() {
    return extraVerbose ? "TRACE" : verbose ? "DEBUG" : logLevel == null ? "INFO"
        : logLevel.toUpperCase(java.util.Locale.ROOT);
  }

  void validate(List<String> problems) {
    if (logLevel != null && !LogLevel.NAMES.contains(logLevel.toUpperCase(java.util.Locale.ROOT))) {
      problems.add("--log-level was '" + logLevel + "' but it must be one of "
          + String.join(", ", LogLevel.NAMES));
    }
  }

  void configure(Benchmark.Builder b, List<String> problems) {
    if (recordProcessors != null) {
      b.recordProcessors(recordProcessors);
    }
    OptionChecks.seconds("--startup-timeout", startupTimeout, problems, b::startupTimeout);
  }
}
