package io.aiperf.api;

import io.aiperf.api.spi.BenchmarkEngineProvider;
import io.aiperf.api.spi.Plugins;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * What {@link SweepPlan} and {@link SearchPlan} share: the checks of their common settings
 * (confidence level, cooldowns, GPU price) in one wording, so a user reads the same message
 * from either plan (and the CLI maps it to the same flag), and the engine both run on.
 */
final class PlanChecks {
  private PlanChecks() {}

  /** The intervals' level: strictly between 0 and 1, as AIPerf's {@code --confidence-level}. */
  static void confidenceLevel(double level, List<String> problems) {
    if (!(level > 0 && level < 1)) {
      problems.add("confidenceLevel was '" + level + "' but it must be between 0 and 1"
          + " (exclusive), e.g. 0.95");
    }
  }

  /** A pause: zero or more. */
  static void cooldown(String name, Duration cooldown, List<String> problems) {
    if (cooldown.isNegative()) {
      problems.add(name + " was '" + cooldown + "' but it must be zero or more");
    }
  }

  /** A GPU price, when one is set ({@code NaN} when not): positive, on at least one GPU. */
  static void gpuCost(double perHour, int gpus, List<String> problems) {
    if (!Double.isNaN(perHour) && (!(perHour > 0) || gpus < 1)) {
      problems.add(String.format(Locale.ROOT, "gpuCost was '%s per hour on %d GPUs' but the"
          + " price must be > 0 and the GPUs at least 1", perHour, gpus));
    }
  }

  /** A GPU price as the plans return it: empty when not set. */
  static OptionalDouble price(double perHour) {
    return Double.isNaN(perHour) ? OptionalDouble.empty() : OptionalDouble.of(perHour);
  }

  /** The engine that runs plans: the same one {@link Benchmark#run} selects. */
  static BenchmarkEngineProvider engine() {
    return Plugins.select(BenchmarkEngineProvider.class, null);
  }
}
