package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sweep's sort gives the order of a stable comparison sort by time, ends (deltas not above
 * 0) before starts at equal times, on data with many ties, negative values and both zeros.
 */
final class SweepLineSortTest {
  @Test
  void eventsSortAsAStableComparisonSortWould() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 50; round++) {
      int n = 1 + random.nextInt(5_000);
      double[] ts = new double[n];
      double[] deltas = new double[n];
      for (int i = 0; i < n; i++) {
        ts[i] = round % 2 == 0 ? random.nextInt(40) * 0.25 - 3 // many ties, some negative
            : 1_700_000_000.0 + random.nextDouble() * 100; // wall-clock seconds, close together
        if (random.nextInt(20) == 0) {
          ts[i] = random.nextBoolean() ? 0.0 : -0.0;
        }
        deltas[i] = random.nextInt(3) == 0 ? -random.nextInt(5) : random.nextInt(1, 5) + i * 1e-6;
      }
      for (boolean endsFirst : new boolean[] {true, false}) {
        double[] expectTs = ts.clone();
        double[] expectDeltas = deltas.clone();
        reference(expectTs, expectDeltas, endsFirst);
        double[] gotTs = ts.clone();
        double[] gotDeltas = deltas.clone();
        SweepLine.radixSort(gotTs, gotDeltas, n, endsFirst);
        for (int i = 0; i < n; i++) {
          assertThat(gotTs[i]).as("time %d of %d", i, n).isEqualTo(expectTs[i] + 0.0);
          assertThat(gotDeltas[i]).as("delta %d of %d", i, n).isEqualTo(expectDeltas[i]);
        }
      }
    }
  }

  /** Java's object sort is stable (TimSort). */
  private static void reference(double[] ts, double[] deltas, boolean endsFirst) {
    Integer[] order = new Integer[ts.length];
    Arrays.setAll(order, i -> i);
    Comparator<Integer> byTime = Comparator.comparingDouble(i -> ts[i] + 0.0);
    Arrays.sort(order, endsFirst
        ? byTime.thenComparingInt(i -> deltas[i] > 0 ? 1 : 0) : byTime);
    double[] t = new double[ts.length];
    double[] d = new double[ts.length];
    for (int i = 0; i < order.length; i++) {
      t[i] = ts[order[i]];
      d[i] = deltas[order[i]];
    }
    System.arraycopy(t, 0, ts, 0, t.length);
    System.arraycopy(d, 0, deltas, 0, d.length);
  }
}
