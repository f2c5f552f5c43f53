package io.aiperf.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One load a {@link SearchPlan} tried: its runs, the verdict and what it was based on.
 *
 * @param load the request rate or concurrency
 * @param runs the runs at this load (more than one only where the verdict was uncertain)
 * @param failures one message per run that failed
 * @param verdict whether the objectives held
 * @param goodFraction the pooled share of requests meeting every per-request limit, with its
 *     confidence interval (Wilson, over all requests of all runs); empty without such limits
 * @param metrics per flattened key ({@code time_to_first_token_p99}, ...), the estimate across
 *     runs
 * @param reasons what decided the verdict, one plain sentence per objective
 * @param cost what the point's runs cost, when a GPU price was given
 * @param paretoOptimal whether no other point has both a higher request throughput and a lower
 *     p99 latency
 * @since 0.1.0
 */
public record SearchPoint(double load, List<BenchmarkResult> runs, List<String> failures,
    Verdict verdict, Optional<Estimate> goodFraction, Map<String, Estimate> metrics,
    List<String> reasons, Optional<Cost> cost, boolean paretoOptimal) {

  /** Whether a load met the objectives. */
  public enum Verdict {
    /** Every objective held, with its interval on the right side of its threshold. */
    MEETS,
    /** An objective failed, with its interval on the wrong side of its threshold. */
    FAILS,
    /** An interval still straddled a threshold after the most runs. */
    UNCERTAIN,
    /** The client could not send the load (late and below the asked rate). */
    CLIENT_LIMITED
  }

  /**
   * Copies the collections.
   *
   * @param load the request rate or concurrency
   * @param runs the runs at this load
   * @param failures one message per run that failed
   * @param verdict whether the objectives held
   * @param goodFraction the pooled good request fraction and its interval
   * @param metrics per flattened key, the estimate across runs
   * @param reasons what decided the verdict
   * @param cost what the point's runs cost, when a GPU price was given
   * @param paretoOptimal whether the point is on the throughput-latency Pareto frontier
   */
  public SearchPoint {
    runs = List.copyOf(runs);
    failures = List.copyOf(failures);
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(goodFraction, "goodFraction");
    metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    reasons = List.copyOf(reasons);
    Objects.requireNonNull(cost, "cost");
  }

  /**
   * Returns one statistic of one metric across the runs.
   *
   * @param metric the metric
   * @param statistic the statistic
   * @return the estimate, empty when no run measured it
   */
  public Optional<Estimate> estimate(MetricTag metric, Statistic statistic) {
    return Optional.ofNullable(metrics.get(metric.tag() + "_" + statistic.key()));
  }
}
