package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiperf.api.MetricResult;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * AIPerf 0.13's time-weighted metrics on a few requests whose step functions are worked out by
 * hand: concurrency, throughput, tokens in flight, effective (over the whole window) against
 * active (over the instants the phase runs), and the chunk-aware decode curves.
 */
final class SweepMetricsTest {
  private static final long T0 = 1_000_000_000L;
  private static final double[] NO_GAPS = new double[0];

  /**
   * R1: sent at 0, first token at 10, ends at 30, 100 tokens in, 21 out. R2: sent at 10, first
   * token at 20, ends at 40, 50 in, 11 out. Nanoseconds from the first send.
   */
  private static RequestSpans twoRequests() {
    RequestSpans spans = new RequestSpans();
    spans.add(T0, T0 + 30, 10, 100, 21, NO_GAPS, 0, 0);
    spans.add(T0 + 10, T0 + 40, 10, 50, 11, NO_GAPS, 0, 0);
    return spans;
  }

  private static Map<String, MetricResult> over(RequestSpans spans, double start, double end) {
    return SweepMetrics.over(spans.curves(), start, end).stream()
        .collect(Collectors.toMap(m -> m.tag().tag(), Function.identity()));
  }

  private static void assertStats(MetricResult m, double avg, double min, double max, double p50,
      double p90, double std) {
    double tol = 1e-9 * Math.max(1, Math.abs(max));
    assertThat(m.avg()).as(m.tag().tag() + " avg").isCloseTo(avg, within(tol));
    assertThat(m.min()).as(m.tag().tag() + " min").isCloseTo(min, within(tol));
    assertThat(m.max()).as(m.tag().tag() + " max").isCloseTo(max, within(tol));
    assertThat(m.p50()).as(m.tag().tag() + " p50").isCloseTo(p50, within(tol));
    assertThat(m.p90()).as(m.tag().tag() + " p90").isCloseTo(p90, within(tol));
    assertThat(m.std()).as(m.tag().tag() + " std").isCloseTo(std, within(tol));
  }

  @Test
  void twoRequests_stepFunctionsAsWorkedOutByHand() {
    Map<String, MetricResult> m = over(twoRequests(), 0, 40);
    assertThat(m.keySet()).containsExactlyInAnyOrderElementsOf(
        SweepMetrics.SPECS.stream().map(SweepMetrics.Spec::tag).toList());
    // In flight: 1 on [0,10), 2 on [10,30), 1 on [30,40).
    assertStats(m.get("effective_concurrency"), 1.5, 1, 2, 1, 2, 0.5);
    // Decoding: 0, 1, 2, 1 on the four 10 ns quarters.
    assertStats(m.get("effective_decode_concurrency"), 1, 0, 2, 1, 2, Math.sqrt(0.5));
    // Prefilling: R1 on [0,10), R2 on [10,20) (the end before the start at 10), then none.
    assertStats(m.get("effective_prefill_concurrency"), 0.5, 0, 1, 0, 1, 0.5);
    // Decode: R1 at 20 tokens / 20 ns, R2 at 10 / 20: 0, 1, 1.5, 0.5 tokens/ns by quarter.
    assertStats(m.get("effective_decode_throughput"), 0.75e9, 0, 1.5e9, 0.5e9, 1.5e9,
        Math.sqrt(0.3125) * 1e9);
    // Prefill: R1's 100 tokens over 10 ns, R2's 50 over 10 ns.
    assertStats(m.get("effective_prefill_throughput"), 3.75e9, 0, 10e9, 0, 10e9,
        Math.sqrt((10 * 6.25 * 6.25 + 10 * 1.25 * 1.25 + 20 * 3.75 * 3.75) / 40) * 1e9);
    // Both: 10, 6, 1.5, 0.5 tokens/ns: every token in and out over the 40 ns.
    assertThat(m.get("effective_total_throughput").avg()).isCloseTo(180 / 40.0 * 1e9,
        within(1e-3));
    // Per user: 0, 1/1, 1.5/2, 0.5/1 tokens/ns.
    assertStats(m.get("effective_decode_throughput_per_user"), 0.5625e9, 0, 1e9, 0.5e9, 1e9,
        Math.sqrt((10 * 0.5625 * 0.5625 + 10 * 0.4375 * 0.4375 + 10 * 0.1875 * 0.1875
            + 10 * 0.0625 * 0.0625) / 40) * 1e9);
    // Tokens held: 100, 100 + 21 + 50, + 11, 182 − 121.
    assertStats(m.get("tokens_in_flight"), 5140 / 40.0, 61, 182, 100, 182,
        Math.sqrt((10 * 28.5 * 28.5 + 10 * 42.5 * 42.5 + 10 * 53.5 * 53.5 + 10 * 67.5 * 67.5)
            / 40));
    // Active: weighted only while some request decodes (30 ns) or prefills (20 ns).
    assertStats(m.get("active_decode_throughput"), 1e9, 0.5e9, 1.5e9, 1e9, 1.5e9,
        Math.sqrt((10 * 0.25 + 10 * 0.25) / 30) * 1e9);
    assertStats(m.get("active_decode_throughput_per_user"), 0.75e9, 0.5e9, 1e9, 0.75e9, 1e9,
        Math.sqrt((10 * 0.0625 + 10 * 0.0625) / 30) * 1e9);
    assertStats(m.get("active_prefill_throughput"), 7.5e9, 5e9, 10e9, 5e9, 10e9, 2.5e9);
    assertStats(m.get("active_prefill_throughput_per_user"), 7.5e9, 5e9, 10e9, 5e9, 10e9, 2.5e9);
    assertThat(m.get("active_total_throughput").avg()).isCloseTo(4.5e9, within(1e-3));
  }

  @Test
  void idleTime_dilutesEffective_notActive() {
    // The same requests in a window twice as long: half of it idle.
    Map<String, MetricResult> m = over(twoRequests(), 0, 80);
    assertThat(m.get("effective_concurrency").avg()).isCloseTo(0.75, within(1e-12));
    assertThat(m.get("effective_concurrency").min()).isZero();
    assertThat(m.get("effective_decode_throughput").avg()).isCloseTo(0.375e9, within(1e-3));
    assertThat(m.get("active_decode_throughput").avg()).isCloseTo(1e9, within(1e-3));
    assertThat(m.get("active_decode_throughput").min()).isCloseTo(0.5e9, within(1e-3));
    assertThat(m.get("active_total_throughput").avg()).isCloseTo(4.5e9, within(1e-3));
  }

  @Test
  void aWindowInsideTheRun_clipsTheSteps() {
    // [5, 35]: 1 for 5 ns, 2 for 20, 1 for 5.
    Map<String, MetricResult> m = over(twoRequests(), 5, 35);
    assertThat(m.get("effective_concurrency").avg()).isCloseTo(50 / 30.0, within(1e-12));
    assertThat(m.get("effective_concurrency").min()).isEqualTo(1);
    // Tokens: 100 for 5 ns, 171 for 10, 182 for 10, 61 for 5.
    assertThat(m.get("tokens_in_flight").avg())
        .isCloseTo((500 + 1710 + 1820 + 305) / 30.0, within(1e-9));
    // An empty window reports zeros, as AIPerf.
    assertThat(over(twoRequests(), 10, 10).get("effective_concurrency").max()).isZero();
  }

  @Test
  void statisticsAIPerfDoesNotReport_areAbsent() {
    MetricResult c = over(twoRequests(), 0, 40).get("effective_concurrency");
    assertThat(c.scalar()).isFalse();
    assertThat(List.of(c.sum(), c.p1(), c.p5(), c.p10(), c.p25(), c.p75()))
        .allMatch(v -> Double.isNaN(v));
    assertThat(c.unit()).isEqualTo("requests");
    assertThat(c.header()).isEqualTo("Effective Concurrency");
    assertThat(SweepMetrics.spec("active_total_throughput").group())
        .isEqualTo(SweepMetrics.Group.ACTIVE);
  }

  @Test
  void failedRequests_countInConcurrencyOnly() {
    RequestSpans spans = twoRequests();
    spans.add(T0 + 40, T0 + 80, Double.NaN, Double.NaN, Double.NaN, NO_GAPS, 0, 0);
    Map<String, MetricResult> m = over(spans, 0, 80);
    assertThat(m.get("effective_concurrency").avg()).isCloseTo(100 / 80.0, within(1e-12));
    assertThat(m.get("effective_decode_throughput").avg()).isCloseTo(0.375e9, within(1e-3));
    assertThat(m.get("tokens_in_flight").avg()).isCloseTo(5140 / 80.0, within(1e-9));
    // A request that never started counts nowhere.
    spans.add(0, T0 + 90, Double.NaN, Double.NaN, Double.NaN, NO_GAPS, 0, 0);
    assertThat(spans.size()).isEqualTo(3);
    assertThat(SweepMetrics.over(new RequestSpans().curves(), 0, 10)).isEmpty();
  }

  @Test
  void chunkGaps_spreadTheOutputOverTheChunks() {
    // Sent at 0, chunks at 10 (first token), 14, 14 and 20, ends at 30; 100 in, 5 out.
    RequestSpans spans = new RequestSpans();
    spans.add(T0, T0 + 30, 10, 100, 5, new double[] {4, 0, 6}, 0, 3);
    Map<String, MetricResult> m = over(spans, 0, 30);
    // Decode: the 4 tokens after the first over the two gaps that take time, 2 each: 2/4 a ns
    // on [10,14), 2/6 on [14,20); none from the last chunk to the end.
    assertStats(m.get("effective_decode_throughput"), 4 / 30.0 * 1e9, 0, 0.5e9, 0, 0.5e9,
        Math.sqrt((20 * Math.pow(4 / 30.0, 2) + 4 * Math.pow(0.5 - 4 / 30.0, 2)
            + 6 * Math.pow(1 / 3.0 - 4 / 30.0, 2)) / 30) * 1e9);
    assertThat(m.get("active_decode_throughput").avg()).isCloseTo(0.2e9, within(1e-3));
    // Tokens: 100 on [0,10), +1 at the first token, +4/3 per later chunk (three, the
    // back-to-back one too), all freed at 30.
    assertStats(m.get("tokens_in_flight"), (1000 + 404 + 6 * (101 + 8 / 3.0) + 1050) / 30, 100,
        105, 101 + 8 / 3.0, 105, Math.sqrt((10 * Math.pow(100 - 3076 / 30.0, 2)
            + 4 * Math.pow(101 - 3076 / 30.0, 2) + 6 * Math.pow(101 + 8 / 3.0 - 3076 / 30.0, 2)
            + 10 * Math.pow(105 - 3076 / 30.0, 2)) / 30));
    // The total stays request-level in AIPerf: (5 − 1) tokens over [10, 30).
    assertThat(m.get("effective_total_throughput").avg())
        .isCloseTo((100 + 4) / 30.0 * 1e9, within(1e-3));
  }

  @Test
  void aChunkStampedPastTheEnd_countsJustBeforeIt() {
    // First token at 10, a chunk 12 ns later, but the request ended at 20.
    RequestSpans spans = new RequestSpans();
    spans.add(T0, T0 + 20, 10, 10, 3, new double[] {12}, 0, 1);
    MetricResult tokens = over(spans, 0, 40).get("tokens_in_flight");
    assertThat(tokens.max()).isEqualTo(13); // held for the instant before the end
    assertThat(tokens.min()).isZero(); // and everything freed after it, no residue
    assertThat(tokens.avg()).isCloseTo((100 + 10 * 11) / 40.0, within(1e-9));
  }

  @Test
  void pastTheChunkLimit_requestLevelTiming() {
    RequestSpans spans = new RequestSpans(2);
    spans.add(T0, T0 + 30, 10, 100, 5, new double[] {4, 0, 6}, 0, 3);
    assertThat(spans.chunkGapsDropped()).isTrue();
    // (5 − 1) tokens over [10, 30): 0.2 a ns.
    assertThat(over(spans, 0, 30).get("active_decode_throughput").avg())
        .isCloseTo(0.2e9, within(1e-3));
    assertThat(over(spans, 0, 30).get("active_decode_throughput").max())
        .isCloseTo(0.2e9, within(1e-3));
  }

  @Test
  void sweep_sortsEndsBeforeStarts_andSnapsResidue() {
    double[] ts = {5, 0, 5, 10};
    double[] d = {1, 1, -1, -1};
    SweepLine.Curve c = SweepLine.sweep(ts, d, 4);
    assertThat(c.ts()).containsExactly(0, 5, 10);
    assertThat(c.vals()).containsExactly(1, 1, 0);
    double[] ts2 = {0, 1, 2};
    double[] d2 = {0.1 + 0.2, -0.3, 0};
    assertThat(SweepLine.sweep(ts2, d2, 3).vals()).containsExactly(0.30000000000000004, 0, 0);
    assertThat(SweepLine.divide(c, SweepLine.Curve.EMPTY).size()).isZero();
  }
}
