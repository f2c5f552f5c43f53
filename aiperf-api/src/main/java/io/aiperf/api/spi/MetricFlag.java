package io.aiperf.api.spi;

/**
 * When a metric applies and how it is shown, as AIPerf's metric flags.
 *
 * @since 0.1.0
 */
public enum MetricFlag {
  /** Computed only for streamed responses. */
  STREAMING_ONLY,
  /** Computed only for endpoints that produce tokens. */
  PRODUCES_TOKENS_ONLY,
  /** Exported but not shown in the console table. */
  NO_CONSOLE,
  /** Larger values are better (for goodput SLOs). */
  LARGER_IS_BETTER,
  /** Describes failed requests; shown in the error summary rather than the metrics table. */
  ERROR_ONLY,
  /** Computed only for open-loop runs (a request rate), where an intended send time exists. */
  OPEN_LOOP_ONLY,
  /**
   * Also reported error-adjusted as {@code adj_<tag>}: each failed request counts as +infinity and
   * percentiles are nearest-rank, so a run that drops requests cannot look fast (AIPerf 0.13).
   */
  PERCENTILE_INCLUDES_FAILED,
  /** An HTTP trace timing; in the console only when asked for (show trace timing). */
  HTTP_TRACE
}
