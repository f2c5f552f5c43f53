package io.aiperf.api.spi;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Contributes metrics. Record metrics are computed per successful request off the measurement path;
 * derived metrics are computed once from the run's totals.
 *
 * @since 0.1.0
 */
public interface MetricProvider extends Plugin {
  /**
   * Returns the per-request metrics.
   *
   * @return the record metrics
   */
  List<RecordMetric> recordMetrics();

  /**
   * Returns the run-level metrics.
   *
   * @return the derived metrics
   */
  default List<DerivedMetric> derivedMetrics() {
    return List.of();
  }

  /**
   * A metric with one value (or a list of values) per request.
   *
   * @since 0.1.0
   */
  interface RecordMetric {
    /**
     * Describes the metric.
     *
     * @return its description
     */
    MetricInfo info();

    /**
     * Computes the metric for one request; adds nothing when it does not apply (e.g. ITL with one
     * output token).
     *
     * @param request the request
     * @param out where the values go
     */
    void compute(RequestView request, MetricValues out);
  }

  /**
   * A metric with one value per run.
   *
   * @since 0.1.0
   */
  interface DerivedMetric {
    /**
     * Describes the metric.
     *
     * @return its description
     */
    MetricInfo info();

    /**
     * Computes the metric.
     *
     * @param totals the run's totals
     * @return the value in the base unit, empty when it does not apply
     */
    OptionalDouble compute(RunTotals totals);
  }
}
