package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import io.aiperf.api.spi.MetricInfo;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A time slice's statistics from interval histograms against the exact ones: count, min and max
 * the same, sum and mean to 1e-12, std to 1e-9, percentiles within the histogram's 0.1 %.
 */
final class SliceAggregatorTest {
  private static final MetricInfo LATENCY = new MetricInfo("request_latency", "Request Latency",
      "ms", 1e-6, 300, Set.of());
  private static final MetricInfo TOKENS = new MetricInfo("output_sequence_length",
      "Output Sequence Length", "tokens", 1, 600, Set.of());
  private static final MetricInfo DIFF = new MetricInfo("osl_mismatch_diff_pct",
      "OSL Mismatch Diff %", "%", 1, 1950, Set.of());
  private static final List<MetricInfo> INFOS = List.of(LATENCY, TOKENS, DIFF);

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 100, 5_000})
  void sliceStatistics_matchTheExactOnes_withinTheHistogramsPrecision(int requests) {
    SplittableRandom random = new SplittableRandom(requests);
    DoubleSupplier latency = () -> 2e6 + random.nextDouble() * 3e9;
    DoubleSupplier tokens = () -> 1 + random.nextInt(1_500);
    DoubleSupplier diff = () -> random.nextDouble() * 40 - 30; // mostly negative
    SliceAggregator slice = new SliceAggregator(INFOS);
    MetricsAggregator exact = new MetricsAggregator(INFOS);
    for (int i = 0; i < requests; i++) {
      RecordValues.Builder b = new RecordValues.Builder(INFOS.size());
      b.begin(0);
      b.add(latency.getAsDouble());
      b.add(latency.getAsDouble()); // a list metric: two values per request
      b.begin(1);
      b.add(tokens.getAsDouble());
      b.begin(2);
      b.add(diff.getAsDouble());
      RecordValues v = b.build();
      slice.add(v);
      exact.add(v);
    }
    assertThat(slice.records()).isEqualTo(requests);
    List<MetricResult> filling = slice.results();
    // Packed once past: the same statistics, and a late request still counts.
    slice.compact();
    assertThat(slice.results()).usingRecursiveComparison().isEqualTo(filling);
    RecordValues late = RecordValues.single(0, 5e6);
    slice.add(late);
    exact.add(late);
    List<MetricResult> got = slice.results();
    List<MetricResult> want = exact.results(List.of(), null);
    assertThat(slice.records()).isEqualTo(requests + 1);
    assertThat(got).extracting(m -> m.tag().tag())
        .containsExactly("request_latency", "output_sequence_length", "osl_mismatch_diff_pct");
    for (int i = 0; i < got.size(); i++) {
      MetricResult g = got.get(i);
      MetricResult w = want.get(i);
      String tag = g.tag().tag();
      assertThat(g.count()).as(tag).isEqualTo(w.count());
      assertThat(g.sum()).as(tag).isCloseTo(w.sum(), within(1e-12 * Math.abs(w.sum())));
      assertThat(g.avg()).as(tag).isCloseTo(w.avg(), within(1e-12 * Math.abs(w.avg())));
      assertThat(g.min()).as(tag).isEqualTo(w.min());
      assertThat(g.max()).as(tag).isEqualTo(w.max());
      assertThat(g.std()).as(tag).isCloseTo(w.std(), within(1e-9 * Math.abs(w.avg()) + 1e-12));
      for (Statistic st : new Statistic[] {Statistic.P1, Statistic.P5, Statistic.P10,
          Statistic.P25, Statistic.P50, Statistic.P75, Statistic.P90, Statistic.P95,
          Statistic.P99}) {
        double e = w.get(st);
        // 0.1 % of the larger of the two values the exact percentile lies between.
        double tolerance = 1e-3 * Math.max(Math.abs(w.min()), Math.abs(w.max()));
        if (tag.equals("output_sequence_length")) {
          tolerance = 1e-9; // integers below 2048 fill their own buckets
        }
        assertThat(g.get(st)).as(tag + " " + st).isCloseTo(e, within(tolerance));
      }
    }
  }
}
