package io.aiperf.cli;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkListener;
import java.io.PrintWriter;
import java.util.Locale;

/** {@code --ui simple}: one progress line a second on stderr. */
final class ProgressPrinter implements BenchmarkListener {
  private final PrintWriter err;

  ProgressPrinter(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void onWaitingForWorkers(int count, String address) {
    printWaiting(err, count, address);
  }

  static void printWaiting(PrintWriter err, int count, String address) {
    err.println("Waiting for " + count + " remote worker" + (count == 1 ? "" : "s")
        + ": on each, run  aiperf service --type worker --controller " + address);
    err.flush();
  }

  @Override
  public void onStart(BenchmarkConfig config) {
    String count = config.requestCount() > 0 ? config.requestCount() + " requests"
        : "for " + config.benchmarkDuration().map(d -> d.toMillis() / 1000.0 + " s").orElse("");
    String load = config.requestRate().isPresent()
        ? config.requestRate().getAsDouble() + " requests/s ("
            + config.arrivalPattern().name().toLowerCase(Locale.ROOT) + ")"
            + (config.concurrency() > 0 ? ", at most " + config.concurrency() + " in flight" : "")
        : "concurrency " + config.concurrency();
    err.println("Profiling: " + count + " at " + load + " against " + config.endpoint().url());
    err.flush();
  }

  @Override
  public void onProgress(long completed, long errors, long total) {
    if (total > 0) {
      err.printf(Locale.ROOT, "Profiling: %d/%d requests done (%.0f%%), %d errors%n", completed,
          total, 100.0 * completed / total, errors);
    } else {
      err.printf(Locale.ROOT, "Profiling: %d requests done, %d errors%n", completed, errors);
    }
    err.flush();
  }
}
