package io.aiperf.api;

/**
 * The files server metrics are exported to, as AIPerf's {@code --server-metrics-formats} names
 * them (AIPerf's {@code parquet} is not written by aiperf-java).
 *
 * @since 0.1.0
 */
public enum ServerMetricsFormat {
  /** {@code server_metrics_export.json}: every metric's statistics over the profiling window. */
  JSON,
  /** {@code server_metrics_export.csv}: the same, one section per metric type. */
  CSV,
  /** {@code server_metrics_export.jsonl}: every scrape as it came. */
  JSONL
}
