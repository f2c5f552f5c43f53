package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.RunTotals;
import io.aiperf.engine.internal.metrics.SliceAggregator;
import java.util.OptionalDouble;

/**
 * One time slice's totals, for the run's derived metrics computed over the slice as AIPerf 0.13
 * does (metrics/accumulator.py::_compute_timeslices runs every derive function on the slice's
 * masked records, with the slice's window as the observation duration).
 *
 * @param requestCount successful requests that started in the slice
 * @param errorCount failed ones, cancelled ones included
 * @param cancelledCount the cancelled ones among them
 * @param durationNanos AIPerf's benchmark duration over the slice's successful requests (its
 *     min_request_timestamp and max_response_timestamp are not computed for failed ones): last
 *     end minus first start, 0 without a successful request
 * @param windowNanos the slice's window, which throughputs divide by
 * @param goodRequestCount successful requests that met every goodput SLO, -1 without SLOs
 * @param metrics the slice's record metrics, for their sums
 */
record SliceTotals(long requestCount, long errorCount, long cancelledCount, long durationNanos,
    long windowNanos, long goodRequestCount, SliceAggregator metrics) implements RunTotals {
  @Override
  public double sum(String tag) {
    return metrics.sum(tag);
  }

  @Override
  public long count(String tag) {
    return metrics.count(tag);
  }

  @Override
  public long requestsSent() {
    return requestCount + errorCount;
  }

  /** Not known per slice: the send-rate metrics are left out of slices. */
  @Override
  public long sendSpanNanos() {
    return 0;
  }

  @Override
  public OptionalDouble requestedRate() {
    return OptionalDouble.empty();
  }
}
