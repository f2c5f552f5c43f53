package io.aiperf.cli;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Checks shared by the option groups of {@code aiperf profile}. */
final class OptionChecks {
  private OptionChecks() {}

  /** Seconds as a Duration; NaN and infinities are reported, not passed on. */
  static void seconds(String flag, @Nullable Double value, List<String> problems,
      Consumer<Duration> set) {
    if (value == null) {
      return;
    }
    if (!Double.isFinite(value)) {
      problems.add(flag + " was '" + value + "' but it must be a finite number of seconds");
      return;
    }
    set.accept(Duration.ofNanos(Math.round(value * 1e9)));
  }
}
