package io.aiperf.engine.internal.servermetrics;

import java.util.Map;

/** One series' value in one scrape. */
public sealed interface Point permits Point.Scalar, Point.Histogram, Point.Summary {
  /**
   * A gauge's, counter's or untyped metric's value.
   *
   * @param value the value, finite
   */
  record Scalar(double value) implements Point {}

  /**
   * A histogram's cumulative buckets, sorted by upper bound.
   *
   * @param les each bucket's upper bound as the page wrote it ({@code "0.1"}, {@code "+Inf"})
   * @param bounds the same as numbers
   * @param cumulative the observations at or below each bound
   * @param sum the sum of the observations
   * @param count the observations
   */
  record Histogram(String[] les, double[] bounds, double[] cumulative, double sum, double count)
      implements Point {}

  /**
   * A summary's quantiles (over the server's own window), sum and count.
   *
   * @param quantiles quantile (as written) to value
   * @param sum the sum of the observations
   * @param count the observations
   */
  record Summary(Map<String, Double> quantiles, double sum, double count) implements Point {}
}
