package io.aiperf.api.spi;

/**
 * Totals of a run, for derived metrics.
 *
 * @since 0.1.0
 */
public interface RunTotals {
  /**
   * Returns the successful requests.
   *
   * @return the count
   */
  long requestCount();

  /**
   * Returns the failed requests.
   *
   * @return the count
   */
  long errorCount();

  /**
   * Returns the benchmark duration: last response end minus first request start.
   *
   * @return nanoseconds
   */
  long durationNanos();

  /**
   * Returns the span a throughput is per: the benchmark duration for a whole run, the slice's
   * window (its grid length, the last one clipped to the run's end) for a time slice, as AIPerf's
   * {@code MetricResultsDict.observation_duration}. A slice's benchmark duration is that of its
   * own requests (first start to last end), which may run past its window.
   *
   * @return nanoseconds
   */
  default long windowNanos() {
    return durationNanos();
  }

  /**
   * Returns the sum of a record metric's values, in its base unit.
   *
   * @param tag the record metric's tag
   * @return the sum, 0 when the metric has no values
   */
  double sum(String tag);

  /**
   * Returns how many values a record metric has: a count metric of zero events (no request
   * mismatched) is still a result, where a metric no request produced is none.
   *
   * @param tag the record metric's tag
   * @return the number of values, 0 when none; -1 when these totals cannot tell
   * @since 0.1.0
   */
  default long count(String tag) {
    return -1;
  }

  /**
   * Returns the requests sent in the measured phase, whatever their outcome.
   *
   * @return the count
   */
  long requestsSent();

  /**
   * Returns the time from the first request's send to the last one's.
   *
   * @return nanoseconds, 0 with fewer than two requests
   */
  long sendSpanNanos();

  /**
   * Returns the request rate asked for.
   *
   * @return requests per second, empty in concurrency mode
   */
  java.util.OptionalDouble requestedRate();

  /**
   * Returns the successful requests that met every goodput SLO.
   *
   * @return the count, -1 when no SLO was set
   */
  default long goodRequestCount() {
    return -1;
  }

  /**
   * Returns the requests cancelled by aiperf (asked for, or past a cancel or the grace period).
   *
   * @return the count, included in {@link #errorCount()}
   */
  default long cancelledCount() {
    return 0;
  }
}
