package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.MetricResult;
import java.util.ArrayList;
import io.aiperf.engine.internal.metrics.MetricsAggregator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/** Plain-language warnings about a run, so users do not blame the server for the client. */
final class Warnings {
  private Warnings() {}

  /** Lateness beyond this share of the mean gap means the schedule was not kept. */
  private static final double LATE_SHARE_OF_GAP = 0.10;
  private static final double MIN_LATENESS_MS = 1.0;
  private static final double ACHIEVED_SHARE = 0.95;

  static List<String> of(BenchmarkConfig config, List<MetricResult> metrics) {
    List<String> warnings = new ArrayList<>();
    if (config.requestRate().isPresent()) {
      double rate = config.requestRate().getAsDouble();
      MetricResult lateness = find(metrics, "schedule_lateness");
      MetricResult achieved = find(metrics, "achieved_request_rate");
      double limit = lateLimitMs(rate);
      boolean late = lateness != null && lateness.p99() > limit;
      boolean slow = achieved != null && lateness != null && lateness.count() >= 20
          && achieved.avg() < ACHIEVED_SHARE * rate && config.concurrency() == 0;
      if (lateness != null && (late || slow)) { // both need the lateness
        warnings.add(String.format(Locale.ROOT, "The client did not keep the requested schedule:"
            + " requests went out %.2f ms late at p99 (max %.2f ms) and the achieved send rate"
            + " was %.1f of %.1f requests/s. Latencies from the actual send understate what"
            + " users would see; read the 'From Intended Send' metrics, or lower the rate.",
            lateness.p99(), lateness.max(), achieved == null ? 0 : achieved.avg(), rate));
      }
      if (config.concurrency() > 0) {
        MetricResult queue = find(metrics, "client_queue_time");
        if (queue != null && queue.p99() > limit) {
          warnings.add(String.format(Locale.ROOT, "The concurrency ceiling of %d held requests"
              + " back: they waited up to %.2f ms (p99 %.2f ms) for a free slot.",
              config.concurrency(), queue.max(), queue.p99()));
        }
      }
    }
    osl(config, metrics).ifPresent(warnings::add);
    warnings.addAll(tokenCounts(metrics));
    if (config.endpoint().streaming()
        && !EngineSupport.endpointProvider(config).supportsStreaming()) {
      warnings.add("--streaming was ignored: the '" + config.endpoint().type()
          + "' endpoint cannot stream, so its requests were sent without it.");
    }
    if (config.endpoint().useServerTokenCount()) {
      MetricResult usage = find(metrics, "usage_completion_tokens");
      MetricResult osl = find(metrics, "output_sequence_length");
      if (osl != null && (usage == null || usage.count() < osl.count())) {
        warnings.add(String.format(Locale.ROOT, "--use-server-token-count was set but %d of %d"
            + " responses carried no usage; their tokens were counted by the client tokenizer.",
            osl.count() - (usage == null ? 0 : usage.count()), osl.count()));
      }
    }
    if (config.prefillConcurrency().isPresent()) {
      warnings.add("Prefill concurrency closes the loop on the first token: requests wait for"
          + " earlier ones, so latencies suffer coordinated omission.");
    }
    return warnings;
  }

  private static double lateLimitMs(double rate) {
    return Math.max(MIN_LATENESS_MS, LATE_SHARE_OF_GAP * 1000.0 / rate);
  }

  /**
   * The pacing thread was left an ordinary thread and the pacer itself (not a concurrency
   * ceiling) fell behind: the one remedy the user may not know of.
   */
  static Optional<String> ordinaryPacer(BenchmarkConfig config, List<MetricResult> metrics,
      Messages.@Nullable PacingPriority pacing) {
    if (pacing == null || pacing.state() != Messages.PacingPriority.State.REFUSED
        || config.requestRate().isEmpty()) {
      return Optional.empty();
    }
    MetricResult queue = find(metrics, "client_queue_time");
    if (queue == null || config.concurrency() > 0
        || queue.p99() <= lateLimitMs(config.requestRate().getAsDouble())) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "The pacing thread issued requests %.2f ms"
        + " late at p99: it ran as an ordinary thread, which waits for a CPU on a busy machine"
        + " (real-time priority %s).", queue.p99(), pacing.detail()));
  }

  /**
   * Output this far above the cap cannot be a tokenizer's rounding: the server did not read the
   * cap. Counted by the server, any excess beyond AIPerf's mismatch threshold is proof already.
   */
  static final double OVER_CAP_PCT_CLIENT_COUNT = 25;
  static final double OVER_CAP_PCT_SERVER_COUNT = 5;

  /**
   * Tells a server that ignored the length cap (output above it: send the field it reads) from
   * one that stopped early (output below it: ask it not to stop at end-of-sequence).
   */
  static Optional<String> osl(BenchmarkConfig config, List<MetricResult> metrics) {
    MetricResult mismatch = find(metrics, "osl_mismatch_count");
    MetricResult asked = find(metrics, "requested_osl");
    // The count is written as 0 when every length was checked and none was off: nothing to say.
    if (mismatch == null || mismatch.avg() <= 0 || asked == null) {
      return Optional.empty();
    }
    MetricResult diff = find(metrics, "osl_mismatch_diff_pct");
    String head = String.format(Locale.ROOT, "%.0f of %d requests returned an output length"
        + " more than min(5 %%, 50 tokens) away from the one asked for", mismatch.avg(),
        asked.count());
    double overLimit = config.endpoint().useServerTokenCount()
        ? OVER_CAP_PCT_SERVER_COUNT : OVER_CAP_PCT_CLIENT_COUNT;
    if (diff != null && diff.max() > overLimit) {
      String field = maxTokensField(config);
      String fix = field.equals("max_completion_tokens")
          ? " Servers that predate max_completion_tokens read only max_tokens: pass"
              + " --use-legacy-max-tokens (EndpointConfig.useLegacyMaxTokens(true) in the API)."
          : " Check which field the server reads for the output length (and its own length"
              + " limits) and pass it with --extra-inputs.";
      return Optional.of(String.format(Locale.ROOT, "%s: up to %.0f %% longer than"
          + " asked (median %+.0f %%). The server ignored the length cap it was sent (%s), so"
          + " outputs ran on until the model stopped.%s", head, diff.max(), diff.p50(), field,
          fix));
    }
    String by = diff == null ? "" : String.format(Locale.ROOT, " (median %+.0f %%, as short as"
        + " %+.0f %%)", diff.p50(), diff.min());
    return Optional.of(head + by + ". The server stopped early, at the"
        + " end-of-sequence token, before the length cap: add --extra-inputs ignore_eos:true (or"
        + " min_tokens:<n>) to get the lengths you asked for.");
  }

  private static String maxTokensField(BenchmarkConfig config) {
    return "chat".equals(config.endpoint().type()) && !config.endpoint().useLegacyMaxTokens()
        ? "max_completion_tokens" : "max_tokens";
  }

  /** How far the server's token counts may be from the client's before a warning. */
  private static final double USAGE_DIFF_PCT = 10;

  /**
   * The server's counts against the client's: a prompt gap that is the same for every request is
   * the chat template the server wraps the messages in; a gap that scales with the text is the
   * tokenizer.
   */
  static List<String> tokenCounts(List<MetricResult> metrics) {
    MetricResult discrepancy = find(metrics, "usage_discrepancy_count");
    if (discrepancy == null || discrepancy.avg() <= 0) {
      return List.of();
    }
    List<String> warnings = new ArrayList<>();
    MetricResult promptPct = find(metrics, "usage_prompt_tokens_diff_pct");
    MetricResult completionPct = find(metrics, "usage_completion_tokens_diff_pct");
    boolean promptOff = off(promptPct);
    boolean completionOff = off(completionPct);
    OptionalDouble overhead = promptOff
        ? constantOverhead(find(metrics, "usage_prompt_tokens"),
            find(metrics, "input_sequence_length"))
        : OptionalDouble.empty();
    if (overhead.isPresent()) {
      MetricResult isl = find(metrics, "input_sequence_length");
      boolean islVaried = isl != null && isl.max() > isl.min();
      warnings.add(String.format(Locale.ROOT, "The server counted %.0f more prompt tokens per"
          + " request than the client did, %s. That is what a chat template adds: the role"
          + " markers, special tokens and any default system prompt the server wraps the"
          + " messages in%s. The client counts the prompt text it sent (as AIPerf does unless"
          + " --apply-chat-template, which aiperf-java does not have, runs it through the"
          + " template), so ISL here is the text's length; pass --use-server-token-count to"
          + " report the server's counts instead.", overhead.getAsDouble(),
          islVaried ? "the same for prompts of every length" : "the same for every request",
          islVaried ? "" : " (every prompt had the same length, so a tokenizer that counts"
              + " differently would look the same: if the gap grows with the prompt, pass the"
              + " model's tokenizer with --tokenizer)"));
    } else if (promptOff) {
      completionOff = true; // one tokenizer warning covers both
    }
    if (completionOff) {
      warnings.add(String.format(Locale.ROOT, "For %.0f requests the server's token counts"
          + " differ from the client tokenizer's by more than 10 %%: pass the model's tokenizer"
          + " (--tokenizer) so ISL, OSL and throughput match the server.", discrepancy.avg()));
    }
    return warnings;
  }

  private static boolean off(@Nullable MetricResult diffPct) {
    return diffPct != null
        && Math.max(Math.abs(diffPct.min()), Math.abs(diffPct.max())) > USAGE_DIFF_PCT;
  }

  /**
   * The server's extra prompt tokens when every request had about the same number more: the
   * two distributions are then one shifted by a constant, at the mean, both ends and the median.
   */
  static OptionalDouble constantOverhead(@Nullable MetricResult server,
      @Nullable MetricResult client) {
    if (server == null || client == null) {
      return OptionalDouble.empty();
    }
    double shift = server.avg() - client.avg();
    double slack = Math.max(2, 0.1 * shift);
    boolean constant = shift >= 1
        && Math.abs(server.min() - client.min() - shift) <= slack
        && Math.abs(server.max() - client.max() - shift) <= slack
        && Math.abs(server.p50() - client.p50() - shift) <= slack
        && Math.abs(server.std() - client.std()) <= slack;
    return constant ? OptionalDouble.of(shift) : OptionalDouble.empty();
  }

  /**
   * I/O threads running work handed to them this late at p99 (a readable socket wakes them the
   * same way) delayed the timestamps they take: beyond this the client, not the server, shaped
   * part of the latencies.
   */
  static final long LAG_P99_LIMIT_NANOS = 2_000_000;
  /** A single stall this long (a GC pause, a starved thread) is worth a word too. */
  static final long LAG_MAX_LIMIT_NANOS = 50_000_000;

  /**
   * The JIT compilers' share of the window from which the loop-lag warning names them as a
   * likely cause: on two cores a compiler thread busy for most of a short run kept the I/O
   * threads waiting for a CPU (issue #18's LoopLagIT, with a JIT log).
   */
  static final double JIT_SHARE_WORTH_NAMING = 0.2;

  /**
   * The loop-lag warning of a run whose workers share this JVM, naming the JIT compilers when
   * they were busy for much of the window.
   *
   * @param health the workers' reports
   * @param jitMillis the compilers' time during the profiling window (all their threads), -1
   *     when not known or when workers ran elsewhere
   * @param windowNanos the profiling window
   */
  static Optional<String> loopLag(List<Messages.WorkerHealth> health, long jitMillis,
      long windowNanos) {
    Optional<String> lag = loopLag(health);
    if (lag.isEmpty() || jitMillis < 0 || windowNanos <= 0) {
      return lag;
    }
    double share = jitMillis / (windowNanos / 1e6);
    if (share < JIT_SHARE_WORTH_NAMING) {
      return lag;
    }
    return Optional.of(lag.get() + String.format(Locale.ROOT, " This JVM's JIT compilers worked"
        + " %.1f s during the %.1f s run (%.0f %% of it): on few cores they compete with the I/O"
        + " threads for a CPU; a warmup phase (--warmup-request-count) lets them finish first.",
        jitMillis / 1e3, windowNanos / 1e9, 100 * share));
  }

  /** A warning when the workers' I/O threads were busy enough to skew measurements. */
  static Optional<String> loopLag(List<Messages.WorkerHealth> health) {
    Messages.WorkerHealth worst = null;
    for (Messages.WorkerHealth h : health) {
      if (h.lagP99Nanos() > LAG_P99_LIMIT_NANOS || h.lagMaxNanos() > LAG_MAX_LIMIT_NANOS) {
        if (worst == null || h.lagP99Nanos() > worst.lagP99Nanos()) {
          worst = h;
        }
      }
    }
    if (worst == null) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "The client was near its ceiling:"
        + " the I/O thread of %s ran work handed to it %.2f ms late at p99 (max %.2f ms), so its"
        + " socket reads were late as much, which inflates TTFT, ITL and latency. The load, or"
        + " other work on this machine's CPUs, kept it busy: use more workers (--workers-max, or"
        + " more remote workers) or cores, lower the load, or run 'aiperf calibrate' to see this"
        + " machine's limits.",
        worst.workerId(), worst.lagP99Nanos() / 1e6, worst.lagMaxNanos() / 1e6));
  }

  /** How long after the load a record may be processed before it is worth a word. */
  static final long BACKLOG_WARNING_NANOS = 1_000_000_000L;

  /**
   * Records that arrived long after the load ended: the record processors fell behind, the
   * responses waited in memory and the result came late. The metrics themselves are not
   * affected (their timestamps were taken at the socket).
   */
  static Optional<String> recordBacklog(long lagNanos, long windowNanos, long backlogAtLoadEnd,
      long expected, int recordProcessors) {
    if (lagNanos < BACKLOG_WARNING_NANOS || lagNanos < windowNanos / 10) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "Record processing fell"
        + " behind the load: %d of %d responses were still waiting to be processed when the"
        + " last request ended, and the last was processed %.1f s later (the benchmark window"
        + " was %.1f s). The metrics are not affected, but the results came that much later and"
        + " the responses were held in memory meanwhile. More record processors"
        + " (--record-processors, %d now) help when CPUs are free.", backlogAtLoadEnd, expected,
        lagNanos / 1e9, windowNanos / 1e9, recordProcessors));
  }

  /** One warning per lost worker or record processor, by service id. */
  static List<String> lostServices(Map<String, String> reasonByService) {
    List<String> warnings = new ArrayList<>();
    new java.util.TreeMap<>(reasonByService).forEach((service, reason) -> warnings.add(
        service.startsWith("record_processor")
            ? "Record processor " + service + " was lost (" + reason + "): the responses it held"
                + " were recorded as RecordProcessorLost errors."
            : "Worker " + service + " was lost (" + reason + "): the requests it had in flight"
                + " were recorded as WorkerLost errors and the run went on with the other"
                + " workers."));
    return warnings;
  }

  /** The chunk gaps kept for the time-weighted curves reached their bound. */
  static String chunkGapsDropped() {
    return "More than " + io.aiperf.engine.internal.metrics.RequestSpans.DEFAULT_CHUNK_LIMIT
        + " chunk gaps: the time-weighted decode throughput and tokens in flight use"
        + " request-level timing (first token to end), as AIPerf's bounded-memory backend does,"
        + " not each chunk's.";
  }

  /** Metrics whose percentiles come from histograms past the exact-value bound. */
  static Optional<String> approximated(List<String> tags) {
    if (tags.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("More than " + MetricsAggregator.DEFAULT_EXACT_LIMIT + " values:"
        + " percentiles of " + tags + " come from their HdrHistograms (3 significant digits);"
        + " count, sum, mean, min, max and std stay exact.");
  }

  private static @Nullable MetricResult find(List<MetricResult> metrics, String tag) {
    return metrics.stream().filter(m -> m.tag().tag().equals(tag)).findFirst().orElse(null);
  }
}
