package io.aiperf.api;

import java.util.Objects;

/**
 * One statistic of one metric across repeated runs: its mean over the runs, their spread and a
 * Student-t confidence interval, as AIPerf 0.13's aggregate export writes them. With a single run
 * the spread is 0 and the interval collapses to the value ({@code tCritical} is NaN).
 *
 * <pre>{@code
 * Estimate ttft = point.estimate(Metrics.TIME_TO_FIRST_TOKEN, Statistic.AVG).orElseThrow();
 * boolean tight = ttft.ciHigh() - ttft.ciLow() < 0.05 * ttft.mean();
 * }</pre>
 *
 * @param mean mean over the runs
 * @param std sample standard deviation over the runs (n - 1)
 * @param min smallest run value
 * @param max largest run value
 * @param cv coefficient of variation, std / mean (infinite for a zero mean)
 * @param se standard error, std / sqrt(n)
 * @param ciLow lower bound of the confidence interval
 * @param ciHigh upper bound of the confidence interval
 * @param tCritical the t quantile used (n - 1 degrees of freedom)
 * @param n number of runs with a finite value
 * @param unit the metric's display unit
 * @since 0.1.0
 */
public record Estimate(double mean, double std, double min, double max, double cv, double se,
    double ciLow, double ciHigh, double tCritical, int n, String unit) {

  /**
   * Checks the unit.
   *
   * @param mean mean over the runs
   * @param std sample standard deviation over the runs (n - 1)
   * @param min smallest run value
   * @param max largest run value
   * @param cv coefficient of variation, std / mean (infinite for a zero mean)
   * @param se standard error, std / sqrt(n)
   * @param ciLow lower bound of the confidence interval
   * @param ciHigh upper bound of the confidence interval
   * @param tCritical the t quantile used (n - 1 degrees of freedom)
   * @param n number of runs with a finite value
   * @param unit the metric's display unit
   */
  public Estimate {
    Objects.requireNonNull(unit, "unit");
  }

  /**
   * Tells whether the confidence interval contains a value.
   *
   * @param value the value
   * @return true when {@code ciLow <= value <= ciHigh}
   */
  public boolean contains(double value) {
    return ciLow <= value && value <= ciHigh;
  }
}
