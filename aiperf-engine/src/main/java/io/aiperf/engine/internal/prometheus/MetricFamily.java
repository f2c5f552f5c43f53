package io.aiperf.engine.internal.prometheus;

import java.util.List;

/**
 * The samples of one metric, with what its {@code # HELP}, {@code # TYPE} and {@code # UNIT}
 * lines said. A counter's family is named without {@code _total}, as the Prometheus client
 * libraries (and AIPerf's exports) name it.
 *
 * @param name the family name
 * @param type its type; {@link MetricType#UNKNOWN} when no TYPE line named it
 * @param help the HELP text, unescaped, "" when none
 * @param unit the OpenMetrics UNIT, "" when none
 * @param samples its samples, in page order
 */
public record MetricFamily(String name, MetricType type, String help, String unit,
    List<Sample> samples) {
  /** Copies the list. */
  public MetricFamily {
    samples = List.copyOf(samples);
  }
}
