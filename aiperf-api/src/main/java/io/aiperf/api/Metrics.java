package io.aiperf.api;

/**
 * Tags of the metrics aiperf-java computes, with AIPerf's names and definitions.
 *
 * @since 0.1.0
 */
public final class Metrics {
  private Metrics() {}

  /** Time from request start to the first content chunk (streaming only). */
  public static final MetricTag TIME_TO_FIRST_TOKEN = new MetricTag("time_to_first_token");
  /** Short alias of {@link #TIME_TO_FIRST_TOKEN}. */
  public static final MetricTag TTFT = TIME_TO_FIRST_TOKEN;
  /** Time between the first and second content chunks (streaming only). */
  public static final MetricTag TIME_TO_SECOND_TOKEN = new MetricTag("time_to_second_token");
  /** Time from request start to the last content chunk. */
  public static final MetricTag REQUEST_LATENCY = new MetricTag("request_latency");
  /** (request latency − TTFT) / (output tokens − 1), per request (streaming only). */
  public static final MetricTag INTER_TOKEN_LATENCY = new MetricTag("inter_token_latency");
  /** Short alias of {@link #INTER_TOKEN_LATENCY}. */
  public static final MetricTag ITL = INTER_TOKEN_LATENCY;
  /** Gaps between consecutive content chunks, all requests flattened (streaming only). */
  public static final MetricTag INTER_CHUNK_LATENCY = new MetricTag("inter_chunk_latency");
  /** Output tokens per second seen by one user: 1 / ITL (streaming only). */
  public static final MetricTag OUTPUT_TOKEN_THROUGHPUT_PER_USER =
      new MetricTag("output_token_throughput_per_user");
  /** Output plus reasoning tokens of a response. */
  public static final MetricTag OUTPUT_SEQUENCE_LENGTH = new MetricTag("output_sequence_length");
  /** Output tokens of a response, reasoning excluded. */
  public static final MetricTag OUTPUT_TOKEN_COUNT = new MetricTag("output_token_count");
  /** Prompt tokens of a request. */
  public static final MetricTag INPUT_SEQUENCE_LENGTH = new MetricTag("input_sequence_length");
  /** Total output tokens / benchmark duration. */
  public static final MetricTag OUTPUT_TOKEN_THROUGHPUT = new MetricTag("output_token_throughput");
  /** Successful requests / benchmark duration. */
  public static final MetricTag REQUEST_THROUGHPUT = new MetricTag("request_throughput");
  /** Successful requests. */
  public static final MetricTag REQUEST_COUNT = new MetricTag("request_count");
  /** Failed requests. */
  public static final MetricTag ERROR_REQUEST_COUNT = new MetricTag("error_request_count");
  /** Last response end minus first request start, on the wall clock. */
  public static final MetricTag BENCHMARK_DURATION = new MetricTag("benchmark_duration");
  /** Sum of output sequence lengths. */
  public static final MetricTag TOTAL_OUTPUT_SEQUENCE_LENGTH = new MetricTag("total_osl");
  /** Sum of input sequence lengths. */
  public static final MetricTag TOTAL_INPUT_SEQUENCE_LENGTH = new MetricTag("total_isl");
  /** Sum of output token counts (reasoning excluded). */
  public static final MetricTag TOTAL_OUTPUT_TOKENS = new MetricTag("total_output_tokens");
}
