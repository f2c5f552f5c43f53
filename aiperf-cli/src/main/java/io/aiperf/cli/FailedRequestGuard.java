package io.aiperf.cli;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkListener;
import io.aiperf.api.BenchmarkProgress;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.BenchmarkRun;
import io.aiperf.api.LiveMetrics;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * AIPerf's {@code --failed-request-threshold}: once the profiling phase has ended at least
 * max(concurrency, 10) requests, a failed share above the threshold cancels the run (in-flight
 * requests end as a cancel lets them, what was measured is exported) and the command exits
 * non-zero. AIPerf checks after every record; aiperf-java checks the progress the engine reports
 * about once a second, so a run may send up to a second's more requests before it stops. Every
 * event goes on to the run's own listener.
 */
final class FailedRequestGuard implements BenchmarkListener {
  /** AIPerf's grace floor: at least this many records before the check is armed. */
  static final int MIN_RECORDS = 10;

  private final BenchmarkListener delegate;
  private final double threshold;
  private final long floor;
  private volatile @Nullable BenchmarkRun run;
  private volatile @Nullable String tripped;

  private FailedRequestGuard(BenchmarkListener delegate, double threshold, long floor) {
    this.delegate = delegate;
    this.threshold = threshold;
    this.floor = floor;
  }

  /** The configuration with the guard in front of its listener. */
  static FailedRequestGuard around(BenchmarkConfig config, double threshold) {
    return new FailedRequestGuard(config.listener(), threshold,
        Math.max(config.concurrency(), MIN_RECORDS));
  }

  /** The run to cancel; a threshold crossed before it is known cancels it now. */
  void attach(BenchmarkRun r) {
    run = r;
    if (tripped != null) {
      r.cancel();
    }
  }

  /** Why the run was cancelled, or null when the threshold held. */
  @Nullable String tripped() {
    return tripped;
  }

  @Override
  public void onStart(BenchmarkConfig config) {
    delegate.onStart(config);
  }

  @Override
  public void onProgress(BenchmarkProgress progress) {
    delegate.onProgress(progress);
    long done = progress.completed();
    if (tripped != null || done < floor || done == 0) {
      return;
    }
    double share = (double) progress.errors() / done;
    if (share > threshold) {
      tripped = String.format(Locale.ROOT, "%d of %d profiling requests failed (%.1f%%), more"
          + " than --failed-request-threshold %s allows: the run was cancelled",
          progress.errors(), done, share * 100, threshold);
      BenchmarkRun r = run;
      if (r != null) {
        r.cancel();
      }
    }
  }

  @Override
  public void onLiveMetrics(LiveMetrics live) {
    delegate.onLiveMetrics(live);
  }

  @Override
  public void onWaitingForWorkers(int count, String address) {
    delegate.onWaitingForWorkers(count, address);
  }

  @Override
  public void onComplete(BenchmarkResult result) {
    delegate.onComplete(result);
  }
}
