package io.aiperf.api;

import java.util.Objects;

/**
 * The statistics of one metric, in its display unit (e.g. milliseconds). A scalar metric (a count,
 * a throughput, a duration) has only {@link #avg()} meaningful, with count 1.
 *
 * @param tag the metric tag, e.g. {@code time_to_first_token}
 * @param header the human name shown in the console, e.g. {@code Time to First Token}
 * @param unit the display unit, e.g. {@code ms}
 * @param scalar whether this is a single value rather than a distribution
 * @param count number of values
 * @param avg mean
 * @param min smallest value
 * @param max largest value
 * @param sum sum of values
 * @param std population standard deviation
 * @param p1 1st percentile
 * @param p5 5th percentile
 * @param p10 10th percentile
 * @param p25 25th percentile
 * @param p50 median
 * @param p75 75th percentile
 * @param p90 90th percentile
 * @param p95 95th percentile
 * @param p99 99th percentile
 * @since 0.1.0
 */
public record MetricResult(
    MetricTag tag,
    String header,
    String unit,
    boolean scalar,
    long count,
    double avg,
    double min,
    double max,
    double sum,
    double std,
    double p1,
    double p5,
    double p10,
    double p25,
    double p50,
    double p75,
    double p90,
    double p95,
    double p99) {

  /**
   * Validates the identifying fields.
   *
   * @param tag the metric tag, e.g. {@code time_to_first_token}
   * @param header the human name shown in the console, e.g. {@code Time to First Token}
   * @param unit the display unit, e.g. {@code ms}
   * @param scalar whether this is a single value rather than a distribution
   * @param count number of values
   * @param avg mean
   * @param min smallest value
   * @param max largest value
   * @param sum sum of values
   * @param std population standard deviation
   * @param p1 1st percentile
   * @param p5 5th percentile
   * @param p10 10th percentile
   * @param p25 25th percentile
   * @param p50 median
   * @param p75 75th percentile
   * @param p90 90th percentile
   * @param p95 95th percentile
   * @param p99 99th percentile
   */
  public MetricResult {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(unit, "unit");
  }

  /**
   * Makes the result of a scalar metric.
   *
   * @param tag the tag
   * @param header the display name
   * @param unit the display unit
   * @param value the value
   * @return the result, with every statistic equal to the value
   */
  public static MetricResult scalar(MetricTag tag, String header, String unit, double value) {
    return new MetricResult(tag, header, unit, true, 1, value, value, value, value, 0,
        value, value, value, value, value, value, value, value, value);
  }

  /**
   * Returns one statistic by name.
   *
   * @param statistic the statistic
   * @return its value
   */
  public double get(Statistic statistic) {
    return switch (statistic) {
      case AVG -> avg;
      case MIN -> min;
      case MAX -> max;
      case SUM -> sum;
      case P1 -> p1;
      case P5 -> p5;
      case P10 -> p10;
      case P25 -> p25;
      case P50 -> p50;
      case P75 -> p75;
      case P90 -> p90;
      case P95 -> p95;
      case P99 -> p99;
      case STD -> std;
      case COUNT -> count;
    };
  }
}
