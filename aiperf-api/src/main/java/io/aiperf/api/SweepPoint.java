package io.aiperf.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One point of a sweep (or the single point of repeated runs): its parameter values, every run
 * and each metric statistic's {@link Estimate} across the runs.
 *
 * <pre>{@code
 * double p99 = point.estimate(Metrics.TIME_TO_FIRST_TOKEN, Statistic.P99).orElseThrow().mean();
 * }</pre>
 *
 * @param parameters the swept values of this point (empty when nothing is swept)
 * @param label the point's directory name, as AIPerf names it (e.g. {@code concurrency_8})
 * @param runs the runs that produced a result, in run order
 * @param failures one message per run that failed
 * @param metrics per flattened key ({@code <metric tag>_<statistic>}, e.g.
 *     {@code time_to_first_token_p99}), the estimate across runs
 * @param cost what the point's runs cost, when a GPU price was given
 * @param paretoOptimal whether no other point has both a higher request throughput and a lower
 *     p99 latency (TTFT, or request latency without streaming)
 * @since 0.1.0
 */
public record SweepPoint(Map<SweepPlan.Parameter, Number> parameters, String label,
    List<BenchmarkResult> runs, List<String> failures, Map<String, Estimate> metrics,
    Optional<Cost> cost, boolean paretoOptimal) {

  /**
   * Copies the collections.
   *
   * @param parameters the swept values of this point (empty when nothing is swept)
   * @param label the point's directory name, as AIPerf names it (e.g. {@code concurrency_8})
   * @param runs the runs that produced a result, in run order
   * @param failures one message per run that failed
   * @param metrics per flattened key, the estimate across runs
   * @param cost what the point's runs cost, when a GPU price was given
   * @param paretoOptimal whether the point is on the throughput-latency Pareto frontier
   */
  public SweepPoint {
    parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    Objects.requireNonNull(label, "label");
    runs = List.copyOf(runs);
    failures = List.copyOf(failures);
    metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
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
