package io.aiperf.cli;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkListener;
import io.aiperf.api.BenchmarkProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/** {@code --ui simple}: one progress line a second on stderr. */
final class ProgressPrinter implements BenchmarkListener {
  private final PrintWriter err;
  private Duration silence = Duration.ZERO;

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
    silence = config.silenceWarning();
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
  public void onProgress(BenchmarkProgress p) {
    StringBuilder line = new StringBuilder("Profiling: ");
    if (p.total() > 0) {
      line.append(String.format(Locale.ROOT, "%d/%d requests done (%.0f%%), %d errors",
          p.completed(), p.total(), 100.0 * p.completed() / p.total(), p.errors()));
    } else {
      line.append(String.format(Locale.ROOT, "%d requests done, %d errors", p.completed(),
          p.errors()));
    }
    if (p.silent() > 0) {
      // What the run waits on, on the line a person watches (the log says it once a minute).
      line.append(String.format(Locale.ROOT,
          "; %d of %d in flight received nothing for %s or more (longest %.1f s)", p.silent(),
          p.inFlight(), seconds(silence), p.longestSilence().toMillis() / 1000.0));
    }
    err.println(line);
    err.flush();
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s"
        : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
