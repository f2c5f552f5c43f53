package io.aiperf.api;

/**
 * The statistics reported for every distribution, as in AIPerf: percentiles by linear
 * interpolation (numpy's default) and the population standard deviation.
 *
 * @since 0.1.0
 */
public enum Statistic {
  /** Arithmetic mean. */
  AVG("avg"),
  /** Smallest value. */
  MIN("min"),
  /** Largest value. */
  MAX("max"),
  /** Sum of the values. */
  SUM("sum"),
  /** 1st percentile. */
  P1("p1"),
  /** 5th percentile. */
  P5("p5"),
  /** 10th percentile. */
  P10("p10"),
  /** 25th percentile. */
  P25("p25"),
  /** Median. */
  P50("p50"),
  /** 75th percentile. */
  P75("p75"),
  /** 90th percentile. */
  P90("p90"),
  /** 95th percentile. */
  P95("p95"),
  /** 99th percentile. */
  P99("p99"),
  /** Population standard deviation (ddof = 0). */
  STD("std"),
  /** Number of values. */
  COUNT("count");

  private final String key;

  Statistic(String key) {
    this.key = key;
  }

  /**
   * Returns the key used in export files.
   *
   * @return e.g. {@code p99}
   */
  public String key() {
    return key;
  }
}
