package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.RunTotals;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * A whole run's totals as the derived metrics read them: the final result's (exact sums and
 * counts) and the live view's (approximate sums, no counts) differ only in where the sums come
 * from.
 *
 * @param requestCount successful requests
 * @param failures failed requests, cancelled ones not included
 * @param cancelledCount cancelled requests
 * @param durationNanos the benchmark window
 * @param requestsSent requests sent
 * @param sendSpanNanos first send to last send
 * @param requestedRate the configured request rate, if any
 * @param goodRequestCount requests that met every goodput SLO, -1 without SLOs
 * @param sums a record metric's sum by tag
 * @param counts a record metric's count by tag, -1 when not known
 */
record RunCounts(long requestCount, long failures, long cancelledCount, long durationNanos,
    long requestsSent, long sendSpanNanos, OptionalDouble requestedRate, long goodRequestCount,
    ToDoubleFunction<String> sums, ToLongFunction<String> counts) implements RunTotals {
  /** AIPerf counts cancelled requests as error records. */
  @Override
  public long errorCount() {
    return failures + cancelledCount;
  }

  @Override
  public double sum(String tag) {
    return sums.applyAsDouble(tag);
  }

  @Override
  public long count(String tag) {
    return counts.applyAsLong(tag);
  }
}
