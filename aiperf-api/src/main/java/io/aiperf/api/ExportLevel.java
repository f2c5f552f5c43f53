package io.aiperf.api;

/**
 * How much a run writes besides the summary (AIPerf's {@code --export-level}).
 *
 * @since 0.1.0
 */
public enum ExportLevel {
  /** The summary files only. */
  SUMMARY,
  /** Also {@code profile_export.jsonl}, one line per request (the default). */
  RECORDS,
  /**
   * Also {@code profile_export_raw.jsonl}: each request's body, headers (secrets redacted), status
   * and every response message with its arrival time.
   */
  RAW
}
