package io.aiperf.cli;

import io.aiperf.api.ReportOutput;
import io.aiperf.api.Reports;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aiperf plot}: PNG charts of finished runs, from their export files (aiperf-java's or
 * AIPerf 0.13's), as AIPerf's own {@code aiperf plot} draws them.
 */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = {"Draw PNG charts of finished runs from their export directories (made by"
        + " aiperf-java or AIPerf 0.13): request timeline, percentiles, throughput and requests in"
        + " flight over time, histograms, ISL/OSL vs latency, GPU and server metrics when"
        + " exported; with several runs, Pareto fronts comparing them."})
final class PlotCommand implements Callable<Integer> {
  @Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
  CommandSpec spec;

  @Mixin
  RunDirectories dirs = new RunDirectories();

  @Option(names = {"-o", "--output"}, paramLabel = "OUT",
      description = "Directory for the PNG files (default: <first DIR>/plots). With several runs,"
          + " each run's charts go in a subdirectory named after it.")
  @Nullable Path output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = output != null ? output : dirs.runs.get(0).resolve("plots");
    ReportOutput written;
    try {
      written = Reports.of(dirs.runs).writePngs(dir);
    } catch (IOException e) {
      err.println("Error: writing the charts to " + dir + " failed: " + e.getMessage());
      return AiperfCommand.EXIT_FAILED;
    }
    return ReportCommand.finish(written, "chart" + (written.charts() == 1 ? "" : "s") + " to "
        + dir, out, err);
  }
}
