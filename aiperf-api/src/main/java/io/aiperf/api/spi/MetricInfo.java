package io.aiperf.api.spi;

import java.util.Set;

/**
 * Describes a metric.
 *
 * @param tag the AIPerf tag, e.g. {@code time_to_first_token}
 * @param header the display name, e.g. {@code Time to First Token}
 * @param unit the display unit, e.g. {@code ms}
 * @param displayScale factor from the computed (base) unit to the display unit, e.g. 1e-6 for ns
 *     to ms
 * @param displayOrder position in the console table, as AIPerf's display order
 * @param flags when the metric applies and how it is shown
 * @since 0.1.0
 */
public record MetricInfo(String tag, String header, String unit, double displayScale,
    int displayOrder, Set<MetricFlag> flags) {
  /**
   * Copies the flags.
   *
   * @param tag the AIPerf tag, e.g. {@code time_to_first_token}
   * @param header the display name, e.g. {@code Time to First Token}
   * @param unit the display unit, e.g. {@code ms}
   * @param displayScale factor from the computed (base) unit to the display unit, e.g. 1e-6 for ns
   *     to ms
   * @param displayOrder position in the console table, as AIPerf's display order
   * @param flags when the metric applies and how it is shown
   */
  public MetricInfo {
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(flags);
  }

  /**
   * Tells whether a flag is set.
   *
   * @param flag the flag
   * @return true if set
   */
  public boolean has(MetricFlag flag) {
    return flags.contains(flag);
  }
}
