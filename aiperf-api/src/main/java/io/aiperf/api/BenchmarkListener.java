package io.aiperf.api;

/**
 * Observes a running benchmark. Every method has a no-op default so that new events can be added
 * without breaking implementations. Callbacks run on an aiperf thread off the measurement path;
 * they must return quickly.
 *
 * @since 0.1.0
 */
public interface BenchmarkListener {
  /** A listener that ignores every event. */
  BenchmarkListener NONE = new BenchmarkListener() {};

  /**
   * Called once when requests start being sent.
   *
   * @param config the configuration being run
   */
  default void onStart(BenchmarkConfig config) {}

  /**
   * Called periodically with the run's progress.
   *
   * @param completed requests that ended (successfully or not) so far
   * @param errors requests that ended with an error so far
   * @param total requests the run will send, or -1 when unknown
   */
  default void onProgress(long completed, long errors, long total) {}

  /**
   * Called about once a second with the run's progress and what its requests in flight are
   * doing. By default it calls {@link #onProgress(long, long, long)}, so a listener overrides
   * whichever it needs.
   *
   * @param progress the snapshot
   */
  default void onProgress(BenchmarkProgress progress) {
    onProgress(progress.completed(), progress.errors(), progress.total());
  }

  /**
   * Called about once a second, right after {@link #onProgress(BenchmarkProgress)}, with the
   * statistics of the requests completed so far, for a live display. The engine computes them
   * only for a run that has a listener, off the measurement path.
   *
   * @param live the snapshot
   * @since 0.1.0
   */
  default void onLiveMetrics(LiveMetrics live) {}

  /**
   * The run waits for workers in other processes to join before it starts.
   *
   * @param count how many remote workers it waits for
   * @param address the address they join at, for {@code aiperf service --controller}
   */
  default void onWaitingForWorkers(int count, String address) {}

  /**
   * Called once with the final result, before exporters run.
   *
   * @param result the result
   */
  default void onComplete(BenchmarkResult result) {}
}
