package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.MetricResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
      double gapMs = 1000.0 / rate;
      MetricResult lateness = find(metrics, "schedule_lateness");
      MetricResult achieved = find(metrics, "achieved_request_rate");
      double limit = Math.max(MIN_LATENESS_MS, LATE_SHARE_OF_GAP * gapMs);
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
    MetricResult mismatch = find(metrics, "osl_mismatch_count");
    MetricResult asked = find(metrics, "requested_osl");
    if (mismatch != null && asked != null) {
      warnings.add(String.format(Locale.ROOT, "%.0f of %d requests returned an output length"
          + " more than min(5 %%, 50 tokens) away from the one asked for. Servers stop at the"
          + " end-of-sequence token unless told otherwise: add --extra-inputs ignore_eos:true (or"
          + " min_tokens) to get the lengths you asked for.", mismatch.avg(), asked.count()));
    }
    MetricResult discrepancy = find(metrics, "usage_discrepancy_count");
    if (discrepancy != null) {
      warnings.add(String.format(Locale.ROOT, "For %.0f requests the server's token counts"
          + " differ from the client tokenizer's by more than 10 %%: pass the model's tokenizer"
          + " (--tokenizer) so ISL, OSL and throughput match the server.", discrepancy.avg()));
    }
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

  /**
   * I/O threads running their timers this late at p99 delayed the timestamps they take: beyond
   * this the client, not the server, shaped part of the latencies.
   */
  static final long LAG_P99_LIMIT_NANOS = 2_000_000;
  /** A single stall this long (a GC pause, a starved thread) is worth a word too. */
  static final long LAG_MAX_LIMIT_NANOS = 50_000_000;

  /** A warning when the workers' I/O threads were busy enough to skew measurements. */
  static java.util.Optional<String> loopLag(List<Messages.WorkerHealth> health) {
    Messages.WorkerHealth worst = null;
    for (Messages.WorkerHealth h : health) {
      if (h.lagP99Nanos() > LAG_P99_LIMIT_NANOS || h.lagMaxNanos() > LAG_MAX_LIMIT_NANOS) {
        if (worst == null || h.lagP99Nanos() > worst.lagP99Nanos()) {
          worst = h;
        }
      }
    }
    if (worst == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(String.format(Locale.ROOT, "The client was near its ceiling:"
        + " the I/O thread of %s ran its timers %.2f ms late at p99 (max %.2f ms), so its"
        + " socket reads were late as much, which inflates TTFT, ITL and latency. The load, or"
        + " other work on this machine's CPUs, kept it busy: use more workers (--workers-max, or"
        + " more remote workers) or cores, lower the load, or run 'aiperf calibrate' to see this"
        + " machine's limits.",
        worst.workerId(), worst.lagP99Nanos() / 1e6, worst.lagMaxNanos() / 1e6));
  }

  private static @Nullable MetricResult find(List<MetricResult> metrics, String tag) {
    return metrics.stream().filter(m -> m.tag().tag().equals(tag)).findFirst().orElse(null);
  }
}
