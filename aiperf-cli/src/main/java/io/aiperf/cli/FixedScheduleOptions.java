package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Fixed Schedule group: replaying a trace at its timestamps. */
final class FixedScheduleOptions {
  @Option(names = "--fixed-schedule",
      description = "Send each request at its dataset timestamp (on by itself for timestamped files).")
  boolean fixedSchedule;

  @Option(names = "--no-fixed-schedule",
      description = "Keep the load flags' timing for a timestamped file: its timestamps are"
          + " ignored (its turn delays kept) instead of switching the fixed schedule on.")
  boolean noFixedSchedule;

  @Option(names = "--fixed-schedule-auto-offset",
      description = "Shift the trace so its first timestamp is time zero.")
  boolean fixedScheduleAutoOffset;

  @Option(names = "--fixed-schedule-start-offset", description = "First trace timestamp replayed (ms).")
  @Nullable Long fixedScheduleStart;

  @Option(names = "--fixed-schedule-end-offset", description = "Last trace timestamp replayed (ms).")
  @Nullable Long fixedScheduleEnd;

  void configure(Benchmark.Builder b) {
    b.fixedSchedule(fixedSchedule).fixedScheduleAutoOffset(fixedScheduleAutoOffset)
        .fixedScheduleWindow(fixedScheduleStart, fixedScheduleEnd);
  }
}
