package io.aiperf.engine.internal.metrics;

import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * AIPerf 0.13's time-weighted ("sweep-line") metrics: effective concurrency, throughput and tokens
 * in flight over the window (every instant weighs the same, idle ones included), and the active
 * throughputs, weighted only over the instants when their phase has a request in flight. Each is
 * reported as AIPerf does: avg, min, max, p50, p90, p95, p99 and std, with no count or sum (the
 * other statistics are NaN, so no file writes them).
 */
public final class SweepMetrics {
  private SweepMetrics() {}

  /** Which console table AIPerf shows a metric in. */
  public enum Group {
    /** "LLM Metrics: Effective": weighted over the whole window. */
    EFFECTIVE,
    /** "LLM Metrics: Active": weighted over the instants their phase is active. */
    ACTIVE
  }

  /**
   * One metric.
   *
   * @param tag AIPerf's tag
   * @param header AIPerf's display header
   * @param unit AIPerf's unit
   * @param scale from the curve's unit (per nanosecond) to the unit shown
   * @param group the console table
   * @param curve the curve measured
   * @param mask for an active metric, the curve that says when it counts; null otherwise
   */
  public record Spec(String tag, String header, String unit, double scale, Group group,
      Function<Curves, SweepLine.Curve> curve,
      @org.jspecify.annotations.Nullable Function<Curves, SweepLine.Curve> mask) {}

  /**
   * The curves of one run.
   *
   * @param concurrency requests in flight
   * @param decode decode tokens per nanosecond
   * @param prefill prefill tokens per nanosecond
   * @param decodeConcurrency requests past their first token
   * @param prefillConcurrency requests before their first token
   * @param total prefill and decode tokens per nanosecond
   * @param decodePerUser decode throughput per request decoding
   * @param prefillPerUser prefill throughput per request prefilling
   * @param tokensInFlight tokens held by the requests in flight
   */
  public record Curves(SweepLine.Curve concurrency, SweepLine.Curve decode,
      SweepLine.Curve prefill, SweepLine.Curve decodeConcurrency,
      SweepLine.Curve prefillConcurrency, SweepLine.Curve total, SweepLine.Curve decodePerUser,
      SweepLine.Curve prefillPerUser, SweepLine.Curve tokensInFlight) {}

  private static final double PER_SECOND = 1e9;

  /** AIPerf's order: SWEEP_LINE_METRIC_SPECS, then the active variants. */
  public static final List<Spec> SPECS = List.of(
      new Spec("effective_concurrency", "Effective Concurrency", "requests", 1, Group.EFFECTIVE,
          Curves::concurrency, null),
      new Spec("effective_decode_throughput", "Effective Decode Throughput", "tokens/sec",
          PER_SECOND, Group.EFFECTIVE, Curves::decode, null),
      new Spec("effective_prefill_throughput", "Effective Prefill Throughput", "tokens/sec",
          PER_SECOND, Group.EFFECTIVE, Curves::prefill, null),
      new Spec("effective_decode_concurrency", "Effective Decode Concurrency", "requests", 1,
          Group.EFFECTIVE, Curves::decodeConcurrency, null),
      new Spec("effective_prefill_concurrency", "Effective Prefill Concurrency", "requests", 1,
          Group.EFFECTIVE, Curves::prefillConcurrency, null),
      new Spec("effective_total_throughput", "Effective Total Throughput", "tokens/sec",
          PER_SECOND, Group.EFFECTIVE, Curves::total, null),
      new Spec("effective_decode_throughput_per_user", "Effective Decode Throughput Per User",
          "tokens/sec/user", PER_SECOND, Group.EFFECTIVE, Curves::decodePerUser, null),
      new Spec("effective_prefill_throughput_per_user", "Effective Prefill Throughput Per User",
          "tokens/sec/user", PER_SECOND, Group.EFFECTIVE, Curves::prefillPerUser, null),
      new Spec("tokens_in_flight", "Tokens In Flight", "tokens", 1, Group.EFFECTIVE,
          Curves::tokensInFlight, null),
      new Spec("active_decode_throughput", "Active Decode Throughput", "tokens/sec", PER_SECOND,
          Group.ACTIVE, Curves::decode, Curves::decodeConcurrency),
      new Spec("active_prefill_throughput", "Active Prefill Throughput", "tokens/sec",
          PER_SECOND, Group.ACTIVE, Curves::prefill, Curves::prefillConcurrency),
      new Spec("active_decode_throughput_per_user", "Active Decode Throughput Per User",
          "tokens/sec/user", PER_SECOND, Group.ACTIVE, Curves::decodePerUser,
          Curves::decodeConcurrency),
      new Spec("active_prefill_throughput_per_user", "Active Prefill Throughput Per User",
          "tokens/sec/user", PER_SECOND, Group.ACTIVE, Curves::prefillPerUser,
          Curves::prefillConcurrency),
      new Spec("active_total_throughput", "Active Total Throughput", "tokens/sec", PER_SECOND,
          Group.ACTIVE, Curves::total, Curves::concurrency));

  private static final Map<String, Spec> BY_TAG = SPECS.stream()
      .collect(Collectors.toUnmodifiableMap(Spec::tag, s -> s));

  /**
   * Returns the time-weighted metric of a tag, if it is one.
   *
   * @param tag the tag
   * @return its spec, or null
   */
  public static @org.jspecify.annotations.Nullable Spec spec(String tag) {
    return BY_TAG.get(tag);
  }

  /**
   * Every time-weighted metric over a window; none when no request both started and ended (as
   * AIPerf, which injects them only when its concurrency curve has a step).
   *
   * @param curves the run's curves
   * @param start the window's start, in the curves' time
   * @param end the window's end
   * @return the metrics in AIPerf's order
   */
  public static List<MetricResult> over(Curves curves, double start, double end) {
    if (curves.concurrency().size() == 0) {
      return List.of();
    }
    List<MetricResult> out = new ArrayList<>(SPECS.size());
    for (Spec s : SPECS) {
      var mask = s.mask();
      SweepLine.Stats st = mask == null
          ? SweepLine.timeWeighted(s.curve().apply(curves), start, end)
          : SweepLine.activeWeighted(s.curve().apply(curves), mask.apply(curves), start, end);
      out.add(result(s, st));
    }
    return out;
  }

  static MetricResult result(Spec s, SweepLine.Stats st) {
    double k = s.scale();
    double nan = Double.NaN;
    return new MetricResult(new MetricTag(s.tag()), s.header(), s.unit(), false, 0,
        finite(st.avg() * k), finite(st.min() * k), finite(st.max() * k), nan,
        finite(st.std() * k), nan, nan, nan, nan, finite(st.p50() * k), nan,
        finite(st.p90() * k), finite(st.p95() * k), finite(st.p99() * k));
  }

  /** AIPerf scrubs what is not finite (it would be null in its files): left out here too. */
  private static double finite(double v) {
    return Double.isFinite(v) ? v : Double.NaN;
  }
}
