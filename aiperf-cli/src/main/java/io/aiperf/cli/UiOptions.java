package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkListener;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** AIPerf's UI group: the progress display. */
final class UiOptions {
  @Option(names = {"--ui", "--ui-type"}, defaultValue = "simple",
      description = "Progress display: none or simple (default ${DEFAULT-VALUE}).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String ui;

  @Option(names = "--silence-warning-seconds",
      description = "Warn (on every UI) when requests in flight have received nothing from the"
          + " server for this long, naming how many and for how long; 0 turns it off"
          + " (default 10).")
  @org.jspecify.annotations.Nullable Double silenceWarning;

  void validate(List<String> problems) {
    if (silenceWarning != null && !(silenceWarning >= 0)) {
      problems.add("--silence-warning-seconds was '" + silenceWarning
          + "' but it must be 0 (off) or a positive number of seconds");
    }
    String kind = ui.toLowerCase(Locale.ROOT);
    if (!kind.equals("none") && !kind.equals("simple") && !kind.equals("dashboard")) {
      problems.add("--ui was '" + ui + "' but it must be none or simple");
    }
  }

  /**
   * Progress lines on stderr; with no display, still the line that tells how to start the remote
   * workers a run waits for.
   */
  void configure(Benchmark.Builder b, PrintWriter err, boolean remoteWorkers) {
    if (silenceWarning != null && silenceWarning >= 0) {
      b.silenceWarning(java.time.Duration.ofNanos(Math.round(silenceWarning * 1e9)));
    }
    if (!ui.toLowerCase(Locale.ROOT).equals("none")) {
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
}
