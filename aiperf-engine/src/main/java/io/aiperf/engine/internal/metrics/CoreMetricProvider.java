package io.aiperf.engine.internal.metrics;

import static io.aiperf.api.spi.MetricFlag.ERROR_ONLY;
import static io.aiperf.api.spi.MetricFlag.HTTP_TRACE;
import static io.aiperf.api.spi.MetricFlag.LARGER_IS_BETTER;
import static io.aiperf.api.spi.MetricFlag.NO_CONSOLE;
import static io.aiperf.api.spi.MetricFlag.OPEN_LOOP_ONLY;
import static io.aiperf.api.spi.MetricFlag.PERCENTILE_INCLUDES_FAILED;
import static io.aiperf.api.spi.MetricFlag.PRODUCES_TOKENS_ONLY;
import static io.aiperf.api.spi.MetricFlag.STREAMING_ONLY;

import io.aiperf.api.spi.MetricFlag;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.MetricValues;
import io.aiperf.api.spi.RequestView;
import io.aiperf.api.spi.RunTotals;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * AIPerf's core LLM metrics with AIPerf's definitions (tags, units, display order). Headers are
 * AIPerf 0.13's own, odd ones included ({@code GoodRequestFraction}, {@code OSL Mismatch Diff %}):
 * scripts and {@code aiperf plot} find CSV rows and timeslice metrics by them. Record metrics
 * are computed in nanoseconds and tokens; display units are milliseconds and tokens per second.
 */
public final class CoreMetricProvider implements MetricProvider {
  static final double NS_TO_MS = 1e-6;

  @Override
  public String name() {
    return "core";
  }

  @Override
  public String description() {
    return "AIPerf's core LLM metrics: TTFT, TTST, ITL, ICL, latency, ISL/OSL, throughput";
  }

  @Override
  public List<RecordMetric> recordMetrics() {
    return List.of(
        record("time_to_first_token", "Time to First Token", "ms", NS_TO_MS, 100,
            flags(STREAMING_ONLY, PRODUCES_TOKENS_ONLY, PERCENTILE_INCLUDES_FAILED),
            (r, out) -> out.add(r.contentResponseNanos(0) - r.startNanos())),
        record("time_to_second_token", "Time to Second Token", "ms", NS_TO_MS, 200,
            flags(STREAMING_ONLY, PRODUCES_TOKENS_ONLY), (r, out) -> {
              if (r.contentResponseCount() >= 2) {
                out.add(r.contentResponseNanos(1) - r.contentResponseNanos(0));
              }
            }),
        record("request_latency", "Request Latency", "ms", NS_TO_MS, 300,
            flags(PERCENTILE_INCLUDES_FAILED),
            (r, out) -> out.add(lastContent(r) - r.startNanos())),
        record("inter_token_latency", "Inter Token Latency", "ms", NS_TO_MS, 400,
            flags(STREAMING_ONLY, PRODUCES_TOKENS_ONLY, PERCENTILE_INCLUDES_FAILED), (r, out) -> {
              double itl = interTokenLatency(r);
              if (!Double.isNaN(itl)) {
                out.add(itl);
              }
            }),
        record("inter_chunk_latency", "Inter Chunk Latency", "ms", NS_TO_MS, 450,
            flags(STREAMING_ONLY, PRODUCES_TOKENS_ONLY, NO_CONSOLE), (r, out) -> {
              for (int i = 1; i < r.contentResponseCount(); i++) {
                out.add(r.contentResponseNanos(i) - r.contentResponseNanos(i - 1));
              }
            }),
        record("output_token_throughput_per_user", "Output Token Throughput Per User",
            "tokens/sec/user", 1, 500,
            flags(STREAMING_ONLY, PRODUCES_TOKENS_ONLY, LARGER_IS_BETTER), (r, out) -> {
              double itl = interTokenLatency(r);
              if (!Double.isNaN(itl) && itl > 0) {
                out.add(1e9 / itl);
              }
            }),
        // Tokens over the whole request, TTFT included: what one user sees end to end.
        record("e2e_output_token_throughput", "E2E Output Token Throughput", "tokens/sec/user",
            1, 510, flags(PRODUCES_TOKENS_ONLY, LARGER_IS_BETTER), (r, out) -> {
              long latency = lastContent(r) - r.startNanos();
              if (latency > 0) {
                out.add((r.outputTokens() + r.reasoningTokens()) / (latency / 1e9));
              }
            }),
        record("output_sequence_length", "Output Sequence Length", "tokens", 1, 600,
            flags(PRODUCES_TOKENS_ONLY),
            (r, out) -> out.add(r.outputTokens() + r.reasoningTokens())),
        record("input_sequence_length", "Input Sequence Length", "tokens", 1, 700, flags(),
            (r, out) -> out.add(r.inputTokens())),
        record("output_token_count", "Output Token Count", "tokens", 1, 650,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE), (r, out) -> out.add(r.outputTokens())),
        // Produced by the record processor for failed requests only: AIPerf's error ISL.
        record("error_isl", "Error Input Sequence Length", "tokens", 1, 1160,
            flags(ERROR_ONLY, NO_CONSOLE), (r, out) -> { }),
        // As AIPerf, for every stream with output: it equals TTFT unless reasoning came first.
        record("time_to_first_output_token", "Time to First Output Token", "ms", NS_TO_MS, 210,
            flags(STREAMING_ONLY, PRODUCES_TOKENS_ONLY), (r, out) -> {
              if (r.firstOutputNanos() > 0) {
                out.add(r.firstOutputNanos() - r.startNanos());
              }
            }),
        record("reasoning_token_count", "Reasoning Token Count", "tokens", 1, 660,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE), (r, out) -> {
              if (r.reasoningTokens() > 0) {
                out.add(r.reasoningTokens());
              }
            }),
        record("decode_duration", "Decode Duration", "ms", NS_TO_MS, 350,
            flags(STREAMING_ONLY, PRODUCES_TOKENS_ONLY, NO_CONSOLE, PERCENTILE_INCLUDES_FAILED),
            (r, out) -> out.add(lastContent(r) - r.contentResponseNanos(0))),
        record("prefill_throughput_per_user", "Prefill Throughput Per User", "tokens/sec/user", 1,
            520, flags(STREAMING_ONLY, PRODUCES_TOKENS_ONLY, NO_CONSOLE, LARGER_IS_BETTER),
            (r, out) -> {
              long ttft = r.contentResponseNanos(0) - r.startNanos();
              if (ttft > 0) {
                out.add(r.inputTokens() / (ttft / 1e9));
              }
            }),
        trace("http_req_blocked", "HTTP Blocked", "ms", NS_TO_MS, t -> t.blockedNanos()),
        trace("http_req_dns_lookup", "HTTP DNS Lookup", "ms", NS_TO_MS,
            t -> t.dnsLookupNanos()),
        trace("http_req_connecting", "HTTP Connecting", "ms", NS_TO_MS,
            t -> t.connectingNanos()),
        trace("http_req_tls_handshaking", "HTTP TLS Handshaking", "ms", NS_TO_MS,
            t -> t.tlsNanos()),
        trace("http_req_sending", "HTTP Sending", "ms", NS_TO_MS, t -> t.sendingNanos()),
        trace("http_req_waiting", "HTTP Waiting (TTFB)", "ms", NS_TO_MS, t -> t.waitingNanos()),
        trace("http_req_receiving", "HTTP Receiving", "ms", NS_TO_MS, t -> t.receivingNanos()),
        trace("http_req_duration", "HTTP Duration (excl. conn)", "ms", NS_TO_MS,
            t -> t.sendingNanos() + t.waitingNanos() + t.receivingNanos()),
        trace("http_req_connection_overhead", "HTTP Connection Overhead", "ms", NS_TO_MS,
            t -> t.connectingNanos() + t.tlsNanos()),
        trace("http_req_total", "HTTP Total Time", "ms", NS_TO_MS, t -> t.blockedNanos()
            + t.connectingNanos() + t.tlsNanos() + t.sendingNanos() + t.waitingNanos()
            + t.receivingNanos()),
        trace("http_req_connection_reused", "HTTP Connection Reused", "ratio", 1,
            t -> t.connectionReused() ? 1 : 0),
        trace("http_req_data_sent", "HTTP Data Sent", "KB", 1.0 / 1024, t -> t.bytesSent()),
        trace("http_req_data_received", "HTTP Data Received", "KB", 1.0 / 1024,
            t -> t.bytesReceived()),
        trace("http_req_chunks_sent", "HTTP Chunks Sent", "count", 1, t -> t.writesSent()),
        trace("http_req_chunks_received", "HTTP Chunks Received", "count", 1,
            t -> t.readsReceived()),
        usage("usage_prompt_tokens", "Usage Prompt Tokens", u -> u.promptTokens()),
        usage("usage_completion_tokens", "Usage Completion Tokens", u -> u.completionTokens()),
        usage("usage_total_tokens", "Usage Total Tokens", u -> u.totalTokens()),
        usage("usage_reasoning_tokens", "Usage Reasoning Tokens", u -> u.reasoningTokens()),
        // AIPerf's prompt-cache counts: reads (OpenAI's prompt_tokens_details.cached_tokens,
        // Anthropic's cache_read_input_tokens, ...), writes (Anthropic) and misses (DeepSeek).
        usage("usage_prompt_cache_read_tokens", "Usage Prompt Cache Read Tokens",
            u -> u.cacheReadTokens()),
        usage("usage_prompt_cache_write_tokens", "Usage Prompt Cache Write Tokens",
            u -> u.cacheWriteTokens()),
        usage("usage_prompt_cache_miss_tokens", "Usage Prompt Cache Miss Tokens",
            u -> u.cacheMissTokens()),
        record("usage_reasoning_tokens_diff_pct", "Usage Reasoning Diff %", "%", 1, 1925,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE), (r, out) -> {
              if (r.usage() != null && r.usage().reasoningTokens() >= 0
                  && r.reasoningTokens() > 0) {
                out.add(diffPct(r.usage().reasoningTokens(), r.reasoningTokens()));
              }
            }),
        // Produced by the record processor for failed requests only: 1 when the server's error
        // says the request overflowed the model's context (AIPerf's substrings), else 0.
        record("context_overflow", "Context Overflow", "requests", 1, 1170,
            flags(ERROR_ONLY, NO_CONSOLE), (r, out) -> { }),
        record("usage_prompt_tokens_diff_pct", "Usage Prompt Diff %", "%", 1, 1910,
            flags(NO_CONSOLE), (r, out) -> {
              if (r.usage() != null && r.usage().promptTokens() >= 0 && r.inputTokens() > 0) {
                out.add(diffPct(r.usage().promptTokens(), r.inputTokens()));
              }
            }),
        record("usage_completion_tokens_diff_pct", "Usage Completion Diff %", "%", 1, 1920,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE), (r, out) -> {
              int osl = r.outputTokens() + r.reasoningTokens();
              if (r.usage() != null && r.usage().completionTokens() >= 0 && osl > 0) {
                out.add(diffPct(r.usage().completionTokens(), osl));
              }
            }),
        record("usage_discrepancy", "Usage Discrepancy", "requests", 1, 1930,
            flags(NO_CONSOLE), (r, out) -> {
              if (r.usage() != null) {
                int osl = r.outputTokens() + r.reasoningTokens();
                boolean off = (r.usage().promptTokens() >= 0 && r.inputTokens() > 0
                    && diffPct(r.usage().promptTokens(), r.inputTokens()) > USAGE_DIFF_PCT)
                    || (r.usage().completionTokens() >= 0 && osl > 0
                    && diffPct(r.usage().completionTokens(), osl) > USAGE_DIFF_PCT)
                    || (r.usage().reasoningTokens() >= 0 && r.reasoningTokens() > 0
                    && diffPct(r.usage().reasoningTokens(), r.reasoningTokens())
                    > USAGE_DIFF_PCT);
                out.add(off ? 1 : 0);
              }
            }),
        record("requested_osl", "Requested OSL", "tokens", 1, 1940,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE), (r, out) -> {
              if (r.requestedOutputTokens() > 0) {
                out.add(r.requestedOutputTokens());
              }
            }),
        record("osl_mismatch_diff_pct", "OSL Mismatch Diff %", "%", 1, 1950,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE), (r, out) -> {
              int asked = r.requestedOutputTokens();
              if (asked > 0) {
                out.add((r.outputTokens() + r.reasoningTokens() - asked) * 100.0 / asked);
              }
            }),
        record("osl_mismatch", "OSL Mismatch", "requests", 1, 1960, flags(PRODUCES_TOKENS_ONLY,
            NO_CONSOLE), (r, out) -> {
              int asked = r.requestedOutputTokens();
              if (asked > 0) {
                // AIPerf's threshold: min(5 % of the asked length, 50 tokens).
                double threshold = Math.min(asked * 0.05, 50);
                out.add(Math.abs(r.outputTokens() + r.reasoningTokens() - asked) > threshold
                    ? 1 : 0);
              }
            }),
        // Open loop: measured from the intended send time, so client delays are not hidden.
        record("corrected_time_to_first_token", "Time to First Token From Intended Send", "ms",
            NS_TO_MS, 110, flags(STREAMING_ONLY, PRODUCES_TOKENS_ONLY, OPEN_LOOP_ONLY),
            (r, out) -> out.add(r.contentResponseNanos(0) - r.intendedStartNanos())),
        record("corrected_request_latency", "Request Latency From Intended Send", "ms", NS_TO_MS,
            310, flags(OPEN_LOOP_ONLY),
            (r, out) -> out.add(lastContent(r) - r.intendedStartNanos())),
        record("schedule_lateness", "Send Lateness", "ms", NS_TO_MS, 1400,
            flags(OPEN_LOOP_ONLY), (r, out) -> out.add(r.startNanos() - r.intendedStartNanos())),
        record("connection_wait_time", "Connection Wait Time", "ms", NS_TO_MS, 1390,
            flags(NO_CONSOLE), (r, out) -> out.add(r.connectionWaitNanos())),
        // AIPerf's credit-queue views: from the credit's issue to the send, and to the end.
        record("credit_to_start_latency", "Credit-to-Start Latency", "ms", NS_TO_MS, 1420,
            flags(NO_CONSOLE), (r, out) -> out.add(r.startNanos() - r.issuedNanos())),
        record("effective_latency", "Effective Latency (CO-aware)", "ms", NS_TO_MS, 1430,
            flags(NO_CONSOLE), (r, out) -> out.add(lastContent(r) - r.issuedNanos())),
        record("client_queue_time", "Client Queue Time", "ms", NS_TO_MS, 1410,
            flags(OPEN_LOOP_ONLY, NO_CONSOLE),
            (r, out) -> out.add(r.issuedNanos() - r.intendedStartNanos())),
        // AIPerf's image and audio metrics: only requests that sent images (audio) have them.
        record("num_images", "Number of Images", "images", 1, 855, flags(NO_CONSOLE),
            (r, out) -> {
              if (r.inputImages() > 0) {
                out.add(r.inputImages());
              }
            }),
        record("image_throughput", "Image Throughput", "images/sec", 1, 860, flags(),
            (r, out) -> {
              long latency = lastContent(r) - r.startNanos();
              if (r.inputImages() > 0 && latency > 0) {
                out.add(r.inputImages() * 1e9 / latency);
              }
            }),
        record("image_latency", "Image Latency", "ms/image", NS_TO_MS, 861, flags(),
            (r, out) -> {
              if (r.inputImages() > 0) {
                out.add((lastContent(r) - r.startNanos()) / (double) r.inputImages());
              }
            }),
        record("rtfx", "Inverse Real-Time Factor (RTFx)", "ratio", 1, 850,
            flags(LARGER_IS_BETTER), (r, out) -> {
              long latency = lastContent(r) - r.startNanos();
              if (r.inputAudioSeconds() > 0 && latency > 0) {
                out.add(r.inputAudioSeconds() * 1e9 / latency);
              }
            }),
        record("audio_duration", "Audio Duration", "sec", 1, 870, flags(NO_CONSOLE),
            (r, out) -> {
              if (r.inputAudioSeconds() > 0) {
                out.add(r.inputAudioSeconds());
              }
            }));
  }

  @Override
  public List<DerivedMetric> derivedMetrics() {
    return List.of(
        derived("output_token_throughput", "Output Token Throughput", "tokens/sec", 1, 800,
            flags(PRODUCES_TOKENS_ONLY, LARGER_IS_BETTER),
            t -> perSecond(t.sum("output_sequence_length"), t)),
        derived("request_throughput", "Request Throughput", "requests/sec", 1, 900,
            flags(LARGER_IS_BETTER), t -> perSecond(t.requestCount(), t)),
        derived("request_count", "Request Count", "requests", 1, 1100, flags(),
            t -> OptionalDouble.of(t.requestCount())),
        derived("error_request_count", "Error Request Count", "requests", 1, 1150, flags(ERROR_ONLY),
            t -> t.errorCount() > 0 ? OptionalDouble.of(t.errorCount()) : OptionalDouble.empty()),
        derived("benchmark_duration", "Benchmark Duration", "sec", 1e-9, 1200, flags(NO_CONSOLE),
            t -> OptionalDouble.of(t.durationNanos())),
        derived("total_osl", "Total Output Sequence Length", "tokens", 1, 1300,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE),
            t -> OptionalDouble.of(t.sum("output_sequence_length"))),
        derived("total_output_tokens", "Total Output Tokens", "tokens", 1, 1310,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE),
            t -> OptionalDouble.of(t.sum("output_token_count"))),
        derived("total_isl", "Total Input Sequence Length", "tokens", 1, 1320, flags(NO_CONSOLE),
            t -> OptionalDouble.of(t.sum("input_sequence_length"))),
        derived("goodput", "Goodput", "requests/sec", 1, 1000, flags(LARGER_IS_BETTER),
            t -> t.goodRequestCount() >= 0 ? perSecond(t.goodRequestCount(), t)
                : OptionalDouble.empty()),
        derived("good_request_count", "Good Request Count", "requests", 1, 1001,
            flags(NO_CONSOLE), t -> t.goodRequestCount() >= 0
                ? OptionalDouble.of(t.goodRequestCount()) : OptionalDouble.empty()),
        derived("good_request_fraction", "GoodRequestFraction", "ratio", 1, 1002,
            flags(NO_CONSOLE, LARGER_IS_BETTER), t -> t.goodRequestCount() >= 0
                && t.requestCount() + t.errorCount() > 0
                ? OptionalDouble.of((double) t.goodRequestCount()
                    / (t.requestCount() + t.errorCount()))
                : OptionalDouble.empty()),
        derived("total_reasoning_tokens", "Total Reasoning Tokens", "tokens", 1, 1330,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE), t -> t.sum("reasoning_token_count") > 0
                ? OptionalDouble.of(t.sum("reasoning_token_count")) : OptionalDouble.empty()),
        derived("total_token_throughput", "Total Token Throughput", "tokens/sec", 1, 810,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE, LARGER_IS_BETTER),
            t -> perSecond(t.sum("input_sequence_length") + t.sum("output_sequence_length"), t)),
        derived("input_token_throughput", "Input Token Throughput", "tokens/sec", 1, 805,
            flags(NO_CONSOLE, LARGER_IS_BETTER), t -> perSecond(t.sum("input_sequence_length"), t)),
        derived("completed_request_count", "Completed Requests (Success + Error)", "requests", 1,
            1075, flags(NO_CONSOLE), t -> OptionalDouble.of(t.requestCount() + t.errorCount())),
        derived("total_error_isl", "Total Error Input Sequence Length", "tokens", 1, 1165,
            flags(ERROR_ONLY, NO_CONSOLE), t -> t.sum("error_isl") > 0
                ? OptionalDouble.of(t.sum("error_isl")) : OptionalDouble.empty()),
        derived("cancelled_request_count", "Cancelled Request Count", "requests", 1, 1085,
            flags(NO_CONSOLE), t -> t.cancelledCount() > 0
                ? OptionalDouble.of(t.cancelledCount()) : OptionalDouble.empty()),
        derived("thinking_efficiency", "Thinking Efficiency", "ratio", 1, 1340,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE), t -> t.sum("reasoning_token_count") > 0
                && t.sum("output_token_count") > 0
                ? OptionalDouble.of(t.sum("reasoning_token_count") / t.sum("output_token_count"))
                : OptionalDouble.empty()),
        derived("request_error_rate", "Request Error Rate", "%", 1, 1080, flags(NO_CONSOLE),
            t -> t.requestCount() + t.errorCount() > 0
                ? OptionalDouble.of(100.0 * t.errorCount() / (t.requestCount() + t.errorCount()))
                : OptionalDouble.empty()),
        derived("usage_discrepancy_count", "Usage Discrepancy Count", "requests", 1, 1935,
            flags(NO_CONSOLE), t -> countOf(t, "usage_discrepancy")),
        derived("osl_mismatch_count", "OSL Mismatch Count", "requests", 1, 1965,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE), t -> countOf(t, "osl_mismatch")),
        derived("total_usage_prompt_tokens", "Total Usage Prompt Tokens", "tokens", 1, 1970,
            flags(NO_CONSOLE), t -> nonZero(t.sum("usage_prompt_tokens"))),
        derived("total_usage_completion_tokens", "Total Usage Completion Tokens", "tokens", 1,
            1971, flags(NO_CONSOLE), t -> nonZero(t.sum("usage_completion_tokens"))),
        derived("total_usage_total_tokens", "Total Usage Total Tokens", "tokens", 1, 1972,
            flags(NO_CONSOLE), t -> nonZero(t.sum("usage_total_tokens"))),
        derived("total_usage_reasoning_tokens", "Total Usage Reasoning Tokens", "tokens", 1, 1973,
            flags(PRODUCES_TOKENS_ONLY, NO_CONSOLE), t -> totalOf(t, "usage_reasoning_tokens")),
        derived("total_usage_prompt_cache_read_tokens", "Total Usage Prompt Cache Read Tokens",
            "tokens", 1, 1974, flags(NO_CONSOLE, LARGER_IS_BETTER),
            t -> totalOf(t, "usage_prompt_cache_read_tokens")),
        derived("total_usage_prompt_cache_write_tokens", "Total Usage Prompt Cache Write Tokens",
            "tokens", 1, 1975, flags(NO_CONSOLE),
            t -> totalOf(t, "usage_prompt_cache_write_tokens")),
        derived("total_usage_prompt_cache_miss_tokens", "Total Usage Prompt Cache Miss Tokens",
            "tokens", 1, 1976, flags(NO_CONSOLE),
            t -> totalOf(t, "usage_prompt_cache_miss_tokens")),
        // Token-weighted, as AIPerf: all cached reads over all prompt tokens the server counted.
        derived("overall_usage_prompt_cache_read_pct", "Overall Usage Prompt Cache Read %", "%", 1,
            1977, flags(NO_CONSOLE, LARGER_IS_BETTER),
            t -> t.count("usage_prompt_cache_read_tokens") > 0
                && t.count("usage_prompt_tokens") > 0 && t.sum("usage_prompt_tokens") > 0
                ? OptionalDouble.of(100.0 * t.sum("usage_prompt_cache_read_tokens")
                    / t.sum("usage_prompt_tokens"))
                : OptionalDouble.empty()),
        // As AIPerf: counted over failed requests (0 when none overflowed), absent without errors.
        derived("context_overflow_count", "Context Overflow Count", "requests", 1, 1171,
            flags(ERROR_ONLY, NO_CONSOLE), t -> t.errorCount() > 0
                ? OptionalDouble.of(t.sum("context_overflow")) : OptionalDouble.empty()),
        derived("requested_request_rate", "Requested Request Rate", "requests/sec", 1, 1420,
            flags(OPEN_LOOP_ONLY), RunTotals::requestedRate),
        derived("achieved_request_rate", "Achieved Send Rate", "requests/sec", 1, 1430,
            flags(OPEN_LOOP_ONLY), t -> t.requestsSent() > 1 && t.sendSpanNanos() > 0
                ? OptionalDouble.of((t.requestsSent() - 1) / (t.sendSpanNanos() / 1e9))
                : OptionalDouble.empty()));
  }

  /** AIPerf's threshold for a usage discrepancy, in percent. */
  static final double USAGE_DIFF_PCT = 10;

  static double diffPct(long server, long client) {
    return Math.abs(server - client) * 100.0 / client;
  }

  /** A sum over requests, 0 included, when at least one request reported the value. */
  private static OptionalDouble totalOf(RunTotals t, String tag) {
    return t.count(tag) > 0 ? OptionalDouble.of(t.sum(tag)) : OptionalDouble.empty();
  }

  private static OptionalDouble nonZero(double v) {
    return v > 0 ? OptionalDouble.of(v) : OptionalDouble.empty();
  }

  private static RecordMetric trace(String tag, String header, String unit, double scale,
      java.util.function.ToLongFunction<io.aiperf.api.spi.TransportProvider.HttpTrace> field) {
    return record(tag, header, unit, scale, 2000, flags(NO_CONSOLE, HTTP_TRACE), (r, out) -> {
      if (r.httpTrace() != null) {
        out.add(field.applyAsLong(r.httpTrace()));
      }
    });
  }

  /**
   * The events a 0/1 record metric counted: as AIPerf, 0 is a result when requests were checked
   * (none mismatched), and there is none when no request could be.
   */
  private static OptionalDouble countOf(RunTotals t, String tag) {
    double events = t.sum(tag);
    return events > 0 || t.count(tag) > 0 ? OptionalDouble.of(events) : OptionalDouble.empty();
  }

  private static RecordMetric usage(String tag, String header,
      java.util.function.ToLongFunction<io.aiperf.api.spi.Usage> field) {
    return record(tag, header, "tokens", 1, 1900, flags(NO_CONSOLE), (r, out) -> {
      if (r.usage() != null && field.applyAsLong(r.usage()) >= 0) {
        out.add(field.applyAsLong(r.usage()));
      }
    });
  }

  /** AIPerf's request latency ends at the last content response, not at stream close. */
  static long lastContent(RequestView r) {
    return r.contentResponseNanos(r.contentResponseCount() - 1);
  }

  /** (latency − TTFT) / (OSL − 1), defined for OSL ≥ 2; NaN otherwise. */
  static double interTokenLatency(RequestView r) {
    int osl = r.outputTokens() + r.reasoningTokens();
    if (osl < 2) {
      return Double.NaN;
    }
    long ttft = r.contentResponseNanos(0) - r.startNanos();
    long latency = lastContent(r) - r.startNanos();
    return (double) (latency - ttft) / (osl - 1);
  }

  private static OptionalDouble perSecond(double amount, RunTotals t) {
    return t.windowNanos() > 0 ? OptionalDouble.of(amount / (t.windowNanos() / 1e9))
        : OptionalDouble.empty();
  }

  private static Set<MetricFlag> flags(MetricFlag... f) {
    return f.length == 0 ? Set.of() : EnumSet.of(f[0], f);
  }

  private static RecordMetric record(String tag, String header, String unit, double scale,
      int order, Set<MetricFlag> flags, BiConsumer<RequestView, MetricValues> compute) {
    MetricInfo info = new MetricInfo(tag, header, unit, scale, order, flags);
    return new RecordMetric() {
      @Override
      public MetricInfo info() {
        return info;
      }

      @Override
      public void compute(RequestView request, MetricValues out) {
        compute.accept(request, out);
      }
    };
  }

  private static DerivedMetric derived(String tag, String header, String unit, double scale,
      int order, Set<MetricFlag> flags, Function<RunTotals, OptionalDouble> compute) {
    MetricInfo info = new MetricInfo(tag, header, unit, scale, order, flags);
    return new DerivedMetric() {
      @Override
      public MetricInfo info() {
        return info;
      }

      @Override
      public OptionalDouble compute(RunTotals totals) {
        return compute.apply(totals);
      }
    };
  }
}
