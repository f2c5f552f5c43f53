package io.aiperf.cli;

import io.aiperf.api.ReportOutput;
import io.aiperf.api.Reports;
import io.aiperf.api.Slo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aiperf report}: one self-contained HTML file over finished runs, with interactive charts,
 * configuration, errors, SLO results and warnings; it needs no network to be viewed.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write one self-contained HTML report (charts, configuration, errors, SLO"
        + " results, warnings) of finished runs from their export directories (made by"
        + " aiperf-java or AIPerf 0.13). It opens offline; large runs are aggregated by aiperf"
        + " before they reach the page."})
final class ReportCommand implements Callable<Integer> {
  @Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
  CommandSpec spec;

  @Mixin
  RunDirectories dirs = new RunDirectories();

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "The HTML file (default: <first DIR>/report.html).")
  @Nullable Path output;

  @Option(names = "--slo", paramLabel = "SLO", description = "Also check this SLO against each"
      + " run, e.g. 'time_to_first_token.p99<200ms' (repeatable); those the run was made with are"
      + " checked anyway.")
  List<String> slos = new ArrayList<>();

  @Option(names = "--max-points", defaultValue = "" + Reports.DEFAULT_MAX_POINTS,
      description = "Points one chart may hold before it is sampled (default ${DEFAULT-VALUE},"
          + " at least 100).")
  int maxPoints;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Slo> parsed = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String s : slos) {
      try {
        parsed.add(Slo.parse(s));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (maxPoints < 100) {
      problems.add("--max-points was '" + maxPoints + "' but it must be at least 100");
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("Error: " + p));
      err.println("Run 'aiperf report --help' for the options.");
      return AiperfCommand.EXIT_USAGE;
    }
    Path file = output != null ? output : dirs.runs.get(0).resolve("report.html");
    ReportOutput written;
    try {
      written = Reports.of(dirs.runs).slos(parsed).maxPoints(maxPoints).writeHtml(file);
    } catch (IOException e) {
      err.println("Error: writing the report " + file + " failed: " + e.getMessage());
      return AiperfCommand.EXIT_FAILED;
    }
    return finish(written, "chart" + (written.charts() == 1 ? "" : "s") + " in " + file, out,
        err);
  }

  /** Prints the notes on the input, then what was written; fails when nothing could be drawn. */
  static int finish(ReportOutput written, String what, PrintWriter out, PrintWriter err) {
    for (String note : written.notes()) {
      err.println("Note: " + note);
    }
    err.flush();
    if (written.charts() == 0) {
      err.println("Error: no chart could be drawn from the given directories (see the notes"
          + " above)");
      return AiperfCommand.EXIT_FAILED;
    }
    out.println("Saved " + written.charts() + " " + what);
    out.flush();
    return 0;
  }

  /**
   * {@code profile --auto-plot}: the run's PNG charts in {@code <dir>/plots} and its report in
   * {@code <dir>/report.html}. A failure is reported and does not change the run's exit code:
   * the run's own exports are already written.
   */
  static void autoPlot(Path dir, PrintWriter out, PrintWriter err) {
    try {
      Path plots = dir.resolve("plots");
      ReportOutput pngs = Reports.of(dir).writePngs(plots);
      Path html = dir.resolve("report.html");
      ReportOutput page = Reports.of(dir).writeHtml(html);
      for (String note : page.notes()) {
        err.println("Note: " + note);
      }
      out.println("Plots: " + pngs.charts() + " PNG charts in " + plots + "; report: " + html);
    } catch (IOException | RuntimeException e) {
      err.println("Warning: --auto-plot failed (the run's exports are intact in " + dir + "): "
          + e.getMessage() + ". Run 'aiperf plot " + dir + "' to retry.");
    }
    out.flush();
    err.flush();
  }
}
