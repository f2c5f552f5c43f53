package io.aiperf.api.spi;

/**
 * Where a record metric puts its values for one request.
 *
 * @since 0.1.0
 */
public interface MetricValues {
  /**
   * Adds one value, in the metric's base unit; list metrics call this once per element.
   *
   * @param value the value
   */
  void add(double value);
}
