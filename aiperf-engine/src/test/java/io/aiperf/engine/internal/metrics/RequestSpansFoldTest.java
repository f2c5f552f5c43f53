package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.MetricResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The curves folded in while requests arrive, out of order, are bit for bit those one sort of
 * every event after the run gives ({@link SpanCurves}, as the curves were built before), and so
 * are the time-weighted metrics over the run and over every slice: with stragglers that arrive
 * long after later requests were folded, ties at equal times, failures, zero gaps and chunks
 * stamped past their request's end.
 */
final class RequestSpansFoldTest {
  private static final long T0 = 7_000_000_000L;

  /** One request as it arrives at the records manager. */
  private record Req(long start, long end, double ttft, double isl, double osl, double[] gaps,
      long arrives) {}

  /**
   * A closed-loop run: {@code slots} requests in flight, each followed by the next in its slot;
   * they arrive when they end plus a processing delay, some (the stragglers) seconds late, and
   * some last a hundred times longer than the rest. Times fall on a coarse grid so that events
   * tie.
   */
  private static List<Req> run(long seed, int count, int slots) {
    return run(seed, count, slots, true);
  }

  private static List<Req> run(long seed, int count, int slots, boolean outliers) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] free = new long[slots];
    List<Req> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int slot = random.nextInt(slots);
      long start = T0 + free[slot] + random.nextInt(4) * 1_000L;
      boolean failed = random.nextInt(15) == 0;
      boolean long_ = outliers && random.nextInt(60) == 0;
      long ttft = random.nextInt(10) == 0 ? 0 : random.nextInt(1, 40) * 250_000L;
      int chunks = failed ? 0 : random.nextInt(6) == 0 ? 0 : random.nextInt(1, 50);
      double[] gaps = new double[chunks];
      long sum = 0;
      for (int k = 0; k < chunks; k++) {
        gaps[k] = random.nextInt(3) == 0 ? 0
            : random.nextInt(1, 200) * (long_ ? 100_000L : 1_000L) + random.nextInt(3) * 0.5;
        sum += (long) gaps[k];
      }
      long tail = random.nextInt(8) == 0 ? -random.nextLong(0, 200_000) // last chunk past the end
          : random.nextInt(4) * 1_000L;
      long end = start + ttft + Math.max(0, sum + tail);
      free[slot] = end - T0;
      long lag = outliers && random.nextInt(25) == 0 ? random.nextLong(0, 3_000_000_000L)
          : random.nextLong(0, 2_000_000);
      double osl = random.nextInt(20) == 0 ? random.nextInt(0, 2) : random.nextInt(1, 300);
      out.add(failed
          ? new Req(start, end, Double.NaN, Double.NaN, Double.NaN, gaps, end + lag)
          : new Req(start, end, ttft, random.nextInt(1, 4_000), osl, gaps, end + lag));
    }
    out.sort(Comparator.comparingLong(Req::arrives));
    return out;
  }

  private static RequestSpans folded(List<Req> reqs, int chunkLimit, int foldEvents) {
    RequestSpans spans = new RequestSpans(chunkLimit, foldEvents);
    for (Req r : reqs) {
      spans.add(r.start(), r.end(), r.ttft(), r.isl(), r.osl(), r.gaps(), 0, r.gaps().length);
    }
    return spans;
  }

  /** The curves as they were built before: every event of the run sorted once. */
  private static SweepMetrics.Curves batch(List<Req> reqs, int chunkLimit) {
    int n = reqs.size();
    long origin = reqs.get(0).start();
    double[] s = new double[n];
    double[] e = new double[n];
    double[] g = new double[n];
    double[] in = new double[n];
    double[] out = new double[n];
    int[] gapsEnd = new int[n];
    float[] gaps = new float[reqs.stream().mapToInt(r -> r.gaps().length).sum()];
    int gapCount = 0;
    for (int r = 0; r < n; r++) {
      Req q = reqs.get(r);
      s[r] = q.start() - origin;
      e[r] = q.end() - origin;
      g[r] = Double.isNaN(q.ttft()) ? Double.NaN : q.start() + (long) q.ttft() - origin;
      in[r] = (float) q.isl();
      out[r] = (float) q.osl();
      for (double gap : q.gaps()) {
        gaps[gapCount++] = (float) gap;
      }
      gapsEnd[r] = gapCount;
    }
    boolean chunks = gapCount > 0 && gapCount <= chunkLimit;
    SweepLine.Curve decode = chunks ? SpanCurves.decodeByChunk(g, out, gaps, gapsEnd, n)
        : SpanCurves.decode(g, e, out);
    SweepLine.Curve decodeConcurrency = SpanCurves.concurrency(g, e);
    SweepLine.Curve prefill = SpanCurves.prefill(s, g, in);
    SweepLine.Curve prefillConcurrency = SpanCurves.concurrency(s, g);
    return new SweepMetrics.Curves(SpanCurves.concurrency(s, e), decode, prefill,
        decodeConcurrency, prefillConcurrency, SpanCurves.total(s, g, e, in, out),
        SweepLine.divide(decode, decodeConcurrency), SweepLine.divide(prefill, prefillConcurrency),
        chunks ? SpanCurves.tokensInFlightByChunk(s, g, e, in, out, gaps, gapsEnd, n)
            : SpanCurves.tokensInFlight(s, g, e, in, out));
  }

  private static void assertSameCurves(SweepMetrics.Curves got, SweepMetrics.Curves want) {
    var components = SweepMetrics.Curves.class.getRecordComponents();
    for (var c : components) {
      try {
        SweepLine.Curve a = (SweepLine.Curve) c.getAccessor().invoke(got);
        SweepLine.Curve b = (SweepLine.Curve) c.getAccessor().invoke(want);
        assertThat(a.size()).as("%s: steps", c.getName()).isEqualTo(b.size());
        assertThat(Arrays.mismatch(a.ts(), b.ts())).as("%s: first time that differs",
            c.getName()).isEqualTo(-1);
        assertThat(Arrays.mismatch(a.vals(), b.vals())).as("%s: first value that differs",
            c.getName()).isEqualTo(-1);
      } catch (ReflectiveOperationException ex) {
        throw new AssertionError(ex);
      }
    }
  }

  /** The run and 40 slices of it (the last one clipped), as the records manager windows them. */
  private static void assertSameMetrics(SweepMetrics.Curves got, SweepMetrics.Curves want,
      List<Req> reqs) {
    long origin = reqs.get(0).start();
    double lo = reqs.stream().mapToLong(Req::start).min().orElseThrow() - origin;
    double hi = reqs.stream().mapToLong(Req::end).max().orElseThrow() - origin;
    assertThat(SweepMetrics.over(got, lo, hi)).isEqualTo(SweepMetrics.over(want, lo, hi))
        .isNotEmpty();
    double slice = (hi - lo) / 39.5;
    for (int k = 0; k < 40; k++) {
      double from = lo + k * slice;
      double to = Math.min(hi, from + slice);
      List<MetricResult> mine = SweepMetrics.over(got, from, to);
      assertThat(mine).as("slice %d", k).isEqualTo(SweepMetrics.over(want, from, to));
    }
  }

  @ParameterizedTest(name = "seed {0}, {1} requests, {2} in flight, a fold every {3} events")
  @CsvSource({"1, 3000, 16, 64", "2, 3000, 64, 500", "3, 5000, 8, 2000", "4, 2000, 32, 1",
      "5, 3000, 16, 262144"})
  void outOfOrderRecords_foldToTheBatchCurves(long seed, int count, int slots, int foldEvents) {
    List<Req> reqs = run(seed, count, slots);
    RequestSpans spans = folded(reqs, Integer.MAX_VALUE, foldEvents);
    SweepMetrics.Curves want = batch(reqs, Integer.MAX_VALUE);
    SweepMetrics.Curves got = spans.curves();
    assertSameCurves(got, want);
    assertSameMetrics(got, want, reqs);
  }

  @Test
  void whileRecordsArrive_mostEventsAreFoldedAlready() {
    List<Req> reqs = run(6, 4000, 16, false);
    RequestSpans spans = folded(reqs, Integer.MAX_VALUE, 256);
    double lastEnd = spans.time(reqs.stream().mapToLong(Req::end).max().orElseThrow());
    double firstStart = spans.time(reqs.stream().mapToLong(Req::start).min().orElseThrow());
    // Before the curves are asked for, the watermark trails the latest end by twice the farthest
    // a recent record reached back, a few requests' length here: most of the run is folded.
    assertThat(spans.frontier()).isGreaterThan(firstStart + 0.97 * (lastEnd - firstStart));
    assertSameCurves(spans.curves(), batch(reqs, Integer.MAX_VALUE));
  }

  @Test
  void aStragglerBehindTheFrontier_rewindsAndStillMatches() {
    List<Req> reqs = new ArrayList<>(run(7, 2000, 16));
    reqs.removeIf(r -> r.arrives() - r.end() > 2_000_000); // no late records but this one
    RequestSpans spans = folded(reqs, Integer.MAX_VALUE, 128);
    long first = reqs.stream().mapToLong(Req::start).min().orElseThrow();
    double frontier = spans.frontier();
    // A very long request, from near the start of the run to past its end, arriving last.
    Req straggler = new Req(first + 3_000, reqs.get(reqs.size() - 1).end() + 5_000, 2_000_000,
        100, 30, new double[] {0, 1_000_000, 7_000_000, 0}, Long.MAX_VALUE);
    assertThat(spans.time(straggler.start())).as("it starts before what is folded already")
        .isLessThan(frontier);
    spans.add(straggler.start(), straggler.end(), straggler.ttft(), straggler.isl(),
        straggler.osl(), straggler.gaps(), 0, straggler.gaps().length);
    reqs.add(straggler);
    SweepMetrics.Curves want = batch(reqs, Integer.MAX_VALUE);
    SweepMetrics.Curves got = spans.curves();
    assertSameCurves(got, want);
    assertSameMetrics(got, want, reqs);
    // And after the curves were read: one more request, then the curves again.
    Req late = new Req(first + 10_000_000, first + 40_000_000, Double.NaN, Double.NaN,
        Double.NaN, new double[0], Long.MAX_VALUE);
    spans.add(late.start(), late.end(), late.ttft(), late.isl(), late.osl(), late.gaps(), 0, 0);
    reqs.add(late);
    assertSameCurves(spans.curves(), batch(reqs, Integer.MAX_VALUE));
  }

  @Test
  void pastTheChunkLimitMidRun_requestLevelCurvesMatch() {
    List<Req> reqs = run(8, 3000, 16);
    int limit = reqs.stream().mapToInt(r -> r.gaps().length).sum() / 2;
    SweepMetrics.Curves got = folded(reqs, limit, 300).curves();
    assertSameCurves(got, batch(reqs, limit));
  }
}
