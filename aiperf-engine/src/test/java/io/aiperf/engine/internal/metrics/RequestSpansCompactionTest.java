package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Past its budget, {@link RequestSpans} sums its oldest curves into constant-size accumulators:
 * what it keeps stays bounded however many requests come, and the time-weighted metrics over the
 * run and over each time slice are the exact ones (avg, min, max, std to rounding), their
 * percentiles within half a histogram bucket.
 */
final class RequestSpansCompactionTest {
  private static final long T0 = 5_000_000_000L;
  private static final long SLICE = 2_000_000_000L;
  private static final List<Statistic> MOMENTS = List.of(Statistic.AVG, Statistic.MIN,
      Statistic.MAX, Statistic.STD);
  private static final List<Statistic> PERCENTILES = List.of(Statistic.P50, Statistic.P90,
      Statistic.P95, Statistic.P99);

  /**
   * A closed-loop run: {@code slots} requests in flight, each slot's next request sent when its
   * last one ends, so the requests arrive at the records manager in start order, their ends out
   * of order; one in twenty fails.
   */
  private static final class Run {
    final SplittableRandom random;
    final PriorityQueue<long[]> free = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    final double[] gaps = new double[8];
    long minStart = Long.MAX_VALUE;
    long maxEnd = Long.MIN_VALUE;
    /** The time requests were in flight, for the mean concurrency. */
    double busy;

    Run(long seed, int slots) {
      random = new SplittableRandom(seed);
      for (int i = 0; i < slots; i++) {
        free.add(new long[] {T0 + random.nextLong(0, 1_000_000)});
      }
    }

    void next(RequestSpans... into) {
      long[] slot = free.poll();
      long start = slot[0] + random.nextLong(0, 50_000);
      boolean failed = random.nextInt(20) == 0;
      long ttft = random.nextLong(1_000_000, 40_000_000);
      int chunks = failed ? 0 : random.nextInt(0, gaps.length + 1);
      long sum = 0;
      for (int k = 0; k < chunks; k++) {
        gaps[k] = random.nextLong(100_000, 5_000_000);
        sum += (long) gaps[k];
      }
      long end = start + ttft + sum + random.nextLong(0, 100_000);
      double osl = random.nextInt(1, 300);
      double isl = random.nextInt(1, 4_000);
      for (RequestSpans s : into) {
        if (failed) {
          s.add(start, end, Double.NaN, Double.NaN, Double.NaN, gaps, 0, 0);
        } else {
          s.add(start, end, ttft, isl, osl, gaps, 0, chunks);
        }
      }
      minStart = Math.min(minStart, start);
      maxEnd = Math.max(maxEnd, end);
      busy += end - start;
      slot[0] = end;
      free.add(slot);
    }
  }

  private static long retainedBytes(RequestSpans s) {
    return s.retainedRequests() * (long) RequestSpans.BYTES_PER_REQUEST
        + s.retainedSteps() * RequestSpans.BYTES_PER_STEP + s.retainedGaps() * 4L;
  }

  @Test
  void aMillionRequestsInAHundredKilobytes_stayBoundedAndKeepTheMeanExact() {
    long budget = 100_000;
    RequestSpans spans = new RequestSpans(Integer.MAX_VALUE, 2_048, budget);
    spans.sliceGrid(SLICE);
    Run run = new Run(11, 64);
    long maxRetained = 0;
    int requests = 1_000_000;
    for (int i = 0; i < requests; i++) {
      run.next(spans);
      if (i >= requests / 10) { // past the start, which is below the budget anyway
        maxRetained = Math.max(maxRetained, retainedBytes(spans));
      }
    }
    // Steps come with folds, requests in between: at most a fold's worth over the budget.
    assertThat(maxRetained).isLessThan(2 * budget);
    assertThat(spans.retainedRequests()).isLessThan(requests / 1000);
    assertThat(spans.size()).isEqualTo(requests);
    double lo = spans.time(run.minStart);
    double hi = spans.time(run.maxEnd);
    List<MetricResult> all = spans.timeline().over(lo, hi);
    MetricResult concurrency = all.get(0);
    assertThat(concurrency.tag().tag()).isEqualTo("effective_concurrency");
    // The area under the concurrency curve is every request's time in flight.
    assertThat(concurrency.avg()).isCloseTo(run.busy / (hi - lo), within(1e-9 * 64));
    assertThat(concurrency.max()).isEqualTo(64);
    assertThat(concurrency.p50()).isEqualTo(64); // exact: one value in its bucket
    assertThat(spans.compactionNote()).get().asString()
        .contains("summed as the run went").doesNotContain("count from that point on");
    assertThat(spans.percentileError()).isBetween(4e-4, 4e-3);
  }

  @Test
  void pastTheBudget_theRunAndEverySliceMatchTheExactMetrics() {
    RequestSpans exact = new RequestSpans(Integer.MAX_VALUE, 2_048, Long.MAX_VALUE);
    RequestSpans bounded = new RequestSpans(Integer.MAX_VALUE, 2_048, 200_000);
    bounded.sliceGrid(SLICE);
    Run run = new Run(12, 32);
    for (int i = 0; i < 60_000; i++) {
      run.next(exact, bounded);
    }
    assertThat(exact.compactionNote()).isEmpty();
    assertThat(bounded.compactionNote()).isPresent();
    RequestSpans.Timeline want = exact.timeline();
    RequestSpans.Timeline got = bounded.timeline();
    double error = bounded.percentileError();
    assertThat(error).isBetween(4e-4, 4e-3);
    assertClose(got.over(bounded.time(T0 - 1_000), bounded.time(run.maxEnd)),
        want.over(exact.time(T0 - 1_000), exact.time(run.maxEnd)), error, "the run");
    int slices = 0;
    for (long from = run.minStart; from < run.maxEnd; from += SLICE, slices++) {
      long to = Math.min(from + SLICE, run.maxEnd);
      assertClose(got.over(bounded.time(from), bounded.time(to)),
          want.over(exact.time(from), exact.time(to)), error, "slice " + slices);
    }
    assertThat(slices).as("slices").isGreaterThan(10);
  }

  private static void assertClose(List<MetricResult> got, List<MetricResult> want,
      double error, String what) {
    assertThat(got).as(what).hasSameSizeAs(want).isNotEmpty();
    for (int i = 0; i < want.size(); i++) {
      MetricResult g = got.get(i);
      MetricResult w = want.get(i);
      assertThat(g.tag()).isEqualTo(w.tag());
      double scale = Math.max(1e-12, Math.abs(w.max()));
      for (Statistic s : MOMENTS) {
        assertThat(g.get(s)).as("%s: %s %s", what, w.tag().tag(), s.key())
            .isCloseTo(w.get(s), within(1e-9 * scale));
      }
      for (Statistic s : PERCENTILES) {
        double v = w.get(s);
        assertThat(g.get(s)).as("%s: %s %s", what, w.tag().tag(), s.key())
            .isCloseTo(v, within(Math.abs(v) * error * (1 + 1e-9) + 1e-9 * scale));
      }
    }
  }

  @Test
  void aRequestThatComesAfterItsTimeWasSummed_countsFromThere() {
    RequestSpans spans = new RequestSpans(Integer.MAX_VALUE, 1_024, 50_000);
    Run run = new Run(13, 16);
    for (int i = 0; i < 50_000; i++) {
      run.next(spans);
    }
    // From the first start to the last end: its start is long summed and forgotten.
    long end = run.maxEnd + 1_000_000;
    spans.add(run.minStart, end, 1_000_000, 10, 10, new double[0], 0, 0);
    double lo = spans.time(run.minStart);
    double hi = spans.time(end);
    MetricResult concurrency = spans.timeline().over(lo, hi).get(0);
    assertThat(spans.compactionNote()).get().asString()
        .contains("1 requests that arrived after the curves at their start were summed");
    // It adds less than its whole length (it counts from the point summed to), but some.
    double without = run.busy / (hi - lo);
    assertThat(concurrency.avg()).isGreaterThan(without).isLessThan(without + 0.5);
    assertThat(concurrency.min()).isGreaterThanOrEqualTo(0);
  }
}
