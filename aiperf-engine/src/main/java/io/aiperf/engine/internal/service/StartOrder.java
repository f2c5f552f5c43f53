package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.engine.internal.service.Messages.DatasetReady;
import io.aiperf.engine.internal.service.Messages.PreparedConversation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/** Which conversations the timing manager starts, in which order, and from which time origin. */
final class StartOrder {
  private StartOrder() {}

  /** The dataset's entries in start order: as given when ordered, else shuffled by the seed. */
  static int[] shuffled(DatasetReady ready) {
    int n = ready.conversations().size();
    int[] o = new int[n];
    for (int i = 0; i < n; i++) {
      o[i] = i;
    }
    if (!ready.ordered()) {
      // Synthetic data: shuffled by the seed (AIPerf's default), then cycled.
      SplittableRandom random = new SplittableRandom(ready.seed() ^ 0x9E3779B97F4A7C15L);
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = o[i];
        o[i] = o[j];
        o[j] = t;
      }
    }
    return o;
  }

  /** Whether sessions start at their trace timestamps. */
  static boolean fixedSchedule(BenchmarkConfig config, DatasetReady d) {
    return config.fixedSchedule() || (d.timestamped() && config.requestRate().isEmpty());
  }

  /**
   * Which conversations start, in order: cycled synthetic data, or the trace window.
   *
   * @param profiling whether this is the profiling phase (only it follows the trace)
   */
  static List<Integer> sequence(int[] order, DatasetReady dataset, BenchmarkConfig config,
      boolean profiling) {
    List<Integer> sequence = new ArrayList<>();
    for (int i : order) {
      sequence.add(i);
    }
    if (fixedSchedule(config, dataset) && profiling) {
      List<PreparedConversation> all = dataset.conversations();
      long from = config.fixedScheduleStartOffset().orElse(Long.MIN_VALUE);
      long to = config.fixedScheduleEndOffset().orElse(Long.MAX_VALUE);
      sequence.removeIf(i -> {
        long ts = all.get(i).turns().get(0).turn().timestampMillis();
        return ts < from || ts > to;
      });
      sequence.sort(Comparator.comparingLong(i -> all.get(i).turns().get(0).turn()
          .timestampMillis()));
      if (sequence.isEmpty()) {
        throw new IllegalArgumentException("The fixed-schedule window [" + from + ", " + to
            + "] ms holds no request of the trace");
      }
    }
    return sequence;
  }

  /** Time zero of the trace: its first kept timestamp with auto-offset, else its origin. */
  static long traceOrigin(DatasetReady dataset, BenchmarkConfig config, List<Integer> sequence) {
    if (config.fixedScheduleAutoOffset()) {
      return dataset.conversations().get(sequence.get(0)).turns().get(0).turn().timestampMillis();
    }
    return config.fixedScheduleStartOffset().orElse(0);
  }
}
