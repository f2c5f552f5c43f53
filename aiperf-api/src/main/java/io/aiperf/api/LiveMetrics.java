package io.aiperf.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the requests completed so far look like, sent about once a second to
 * {@link BenchmarkListener#onLiveMetrics(LiveMetrics)} while a benchmark runs: what a live
 * display shows beside the {@link BenchmarkProgress} counts.
 *
 * <p>The records manager computes it on its own thread, at most once a second and only when the
 * run has a listener, from each metric's HdrHistogram and running sums: percentiles, min and max
 * are good to the histogram's 3 significant digits, mean and std come from the sums, and the cost
 * does not grow with the length of the run. Throughputs are over the window so far (from the
 * profiling phase's start to the last request that ended). The {@link BenchmarkResult} at the end
 * is computed exactly, as always.
 *
 * <pre>{@code
 * Benchmark.builder()
 *     // endpoint, load, ...
 *     .listener(new BenchmarkListener() {
 *       public void onLiveMetrics(LiveMetrics live) {
 *         live.metric("time_to_first_token").ifPresent(m -> System.out.println(m.p99()));
 *       }
 *     })
 *     .run();
 * }</pre>
 *
 * @param phase what the run is doing
 * @param elapsed time since the profiling phase started; zero before it starts
 * @param warmupCompleted warmup requests that ended so far
 * @param metrics statistics over the profiling requests completed so far, for the metrics the
 *     console table shows, in its order
 * @param errors the profiling phase's errors so far, by code, type and message, most frequent
 *     first
 * @param workers each worker's latest health report, by id
 * @param warnings what the run would warn about if it ended now (client lag, lost workers, the
 *     checks of the final result), each once
 * @since 0.1.0
 */
public record LiveMetrics(Phase phase, Duration elapsed, long warmupCompleted,
    List<MetricResult> metrics, List<ErrorSummary> errors, List<WorkerStatus> workers,
    List<String> warnings) {

  /**
   * Checks for nulls and copies the lists.
   *
   * @param phase what the run is doing
   * @param elapsed time since the profiling phase started; zero before it starts
   * @param warmupCompleted warmup requests that ended so far
   * @param metrics statistics over the profiling requests completed so far, for the metrics the
   *     console table shows, in its order
   * @param errors the profiling phase's errors so far, by code, type and message, most frequent
   *     first
   * @param workers each worker's latest health report, by id
   * @param warnings what the run would warn about if it ended now (client lag, lost workers, the
   *     checks of the final result), each once
   */
  public LiveMetrics {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(elapsed, "elapsed");
    metrics = List.copyOf(metrics);
    errors = List.copyOf(errors);
    workers = List.copyOf(workers);
    warnings = List.copyOf(warnings);
  }

  /**
   * Finds a metric by tag.
   *
   * @param tag the metric tag, e.g. {@code time_to_first_token}
   * @return its live statistics, or empty when no completed request has a value for it yet
   * @since 0.1.0
   */
  public java.util.Optional<MetricResult> metric(String tag) {
    Objects.requireNonNull(tag, "tag");
    return metrics.stream().filter(m -> m.tag().tag().equals(tag)).findFirst();
  }

  /**
   * What a run is doing.
   *
   * @since 0.1.0
   */
  public enum Phase {
    /** Requests of the warmup phase are being sent; they count in no statistic. */
    WARMUP,
    /** Requests of the profiling phase are being sent or are in flight. */
    PROFILING,
    /** Every request of the profiling phase has ended; the last responses are being processed. */
    PROCESSING
  }

  /**
   * One worker's latest health report.
   *
   * @param id the worker's id, e.g. {@code worker_0}
   * @param inFlight requests it has in flight
   * @param silent of those, requests that received nothing for the run's silence warning or more
   * @param lagP99 how late its I/O thread ran the work handed to it, 99th percentile, since the
   *     run started (zero when the transport does not measure it)
   * @param lagMax the largest such lateness
   * @param lost whether it was declared lost (it stopped reporting)
   * @since 0.1.0
   */
  public record WorkerStatus(String id, int inFlight, int silent, Duration lagP99,
      Duration lagMax, boolean lost) {
    /**
     * Checks for nulls.
     *
     * @param id the worker's id, e.g. {@code worker_0}
     * @param inFlight requests it has in flight
     * @param silent of those, requests that received nothing for the run's silence warning or more
     * @param lagP99 how late its I/O thread ran the work handed to it, 99th percentile, since the
     *     run started (zero when the transport does not measure it)
     * @param lagMax the largest such lateness
     * @param lost whether it was declared lost (it stopped reporting)
     */
    public WorkerStatus {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(lagP99, "lagP99");
      Objects.requireNonNull(lagMax, "lagMax");
    }
  }
}
