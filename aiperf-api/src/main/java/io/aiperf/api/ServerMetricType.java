package io.aiperf.api;

/**
 * A Prometheus metric's type, as the scraped page declared it.
 *
 * @since 0.1.0
 */
public enum ServerMetricType {
  /** A value that goes up and down: statistics of its samples over the window. */
  GAUGE,
  /** A value that only goes up (but resets with the server): its increase over the window. */
  COUNTER,
  /** Cumulative buckets: observations, their sum and estimated percentiles over the window. */
  HISTOGRAM,
  /** Quantiles the server computes itself: observations and their sum over the window. */
  SUMMARY,
  /** Declared {@code untyped}/{@code unknown} or not at all: treated as a gauge. */
  UNKNOWN
}
