package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkListener;
import io.aiperf.cli.dashboard.Dashboard;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's UI group: the progress display. */
final class UiOptions {
  @Option(names = {"--ui", "--ui-type"},
      description = "Progress display: dashboard (a full-screen live view), simple (a progress"
          + " line a second on stderr) or none. Default: dashboard when standard output is a"
          + " terminal, none otherwise, as AIPerf.")
  @Nullable String ui;

  @Option(names = "--silence-warning-seconds",
      description = "Warn (on every UI) when requests in flight have received nothing from the"
          + " server for this long, naming how many and for how long; 0 turns it off"
          + " (default 10).")
  @Nullable Double silenceWarning;

  /** The dashboard of this run, once {@link #configure} chose it. */
  private @Nullable Dashboard dashboard;

  /** Tells whether standard output is a terminal; replaced in tests. */
  BooleanSupplier stdoutIsTerminal = Dashboard::stdoutIsTerminal;

  void validate(List<String> problems) {
    if (silenceWarning != null && !(silenceWarning >= 0)) {
      problems.add("--silence-warning-seconds was '" + silenceWarning
          + "' but it must be 0 (off) or a positive number of seconds");
    }
    String kind = ui;
    if (kind != null && !List.of("none", "simple", "dashboard")
        .contains(kind.toLowerCase(Locale.ROOT))) {
      problems.add("--ui was '" + kind + "' but it must be dashboard, simple or none");
    }
  }

  /**
   * The display to use, as AIPerf chooses it: the one asked for, except that a dashboard needs
   * a terminal on standard output (simple instead, with a note); unasked, the dashboard on a
   * terminal and none otherwise.
   */
  String resolve(PrintWriter err) {
    String asked = ui == null ? null : ui.toLowerCase(Locale.ROOT);
    if (asked == null) {
      return stdoutIsTerminal.getAsBoolean() ? "dashboard" : "none";
    }
    if (asked.equals("dashboard") && !stdoutIsTerminal.getAsBoolean()) {
      err.println("Note: --ui dashboard needs a terminal and standard output is not one;"
          + " showing --ui simple instead.");
      err.flush();
      return "simple";
    }
    return asked;
  }

  /**
   * Sets up the chosen display as the run's listener; with no display, still the line that
   * tells how to start the remote workers a run waits for.
   */
  void configure(Benchmark.Builder b, PrintWriter err, boolean remoteWorkers) {
    if (silenceWarning != null && silenceWarning >= 0) {
      b.silenceWarning(java.time.Duration.ofNanos(Math.round(silenceWarning * 1e9)));
    }
    String kind = resolve(err);
    if (kind.equals("dashboard")) {
      Dashboard d = new Dashboard(err, new ProgressPrinter(err));
      dashboard = d;
      b.listener(d);
    } else if (kind.equals("simple")) {
      b.listener(new ProgressPrinter(err));
    } else if (remoteWorkers) {
      b.listener(new BenchmarkListener() {
        @Override
        public void onWaitingForWorkers(int count, String address) {
          ProgressPrinter.printWaiting(err, count, address);
        }
      });
    }
  }

  /**
   * The dashboard chosen for this run, to open before it starts and close after it.
   *
   * @return the dashboard, or null with another display
   */
  @Nullable Dashboard dashboard() {
    return dashboard;
  }
}
