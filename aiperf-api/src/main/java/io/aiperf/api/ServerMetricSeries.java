package io.aiperf.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One series of a server metric (one endpoint and label set) over the profiling window, with the
 * statistics AIPerf 0.13 exports for its type:
 * <ul>
 *   <li>gauge: {@code avg, min, max, std, p1, p5, p10, p25, p50, p75, p90, p95, p99};
 *   <li>counter: {@code total} (the increase, correct across a reset of the server) and
 *       {@code rate} (per second);
 *   <li>histogram: {@code count, sum, avg, count_rate, sum_rate} and {@code p50_estimate} ...
 *       {@code p99_estimate} (linear within buckets), with the bucket deltas in
 *       {@link #buckets()};
 *   <li>summary: {@code count, sum, avg} over the window and the server's latest quantiles as
 *       {@code quantile_0.5} ...
 * </ul>
 *
 * <pre>{@code
 * double kvMax = result.serverMetrics().orElseThrow()
 *     .metric("vllm:kv_cache_usage_perc").series().get(0).stat("max");
 * }</pre>
 *
 * @param endpoint the scraped URL
 * @param labels the series' labels (model, engine, GPU, ...), sorted by name
 * @param stats statistic name to value, in AIPerf's order
 * @param buckets histogram only: upper bound ({@code le}) to the cumulative count observed in the
 *     window; empty otherwise
 * @since 0.1.0
 */
public record ServerMetricSeries(String endpoint, Map<String, String> labels,
    Map<String, Double> stats, Map<String, Long> buckets) {
  /**
   * Copies the maps, keeping their order.
   *
   * @param endpoint the scraped URL
   * @param labels the series' labels (model, engine, GPU, ...), sorted by name
   * @param stats statistic name to value, in AIPerf's order
   * @param buckets histogram only: upper bound ({@code le}) to the cumulative count observed in the
   *     window; empty otherwise
   */
  public ServerMetricSeries {
    Objects.requireNonNull(endpoint, "endpoint");
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    stats = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
    buckets = Collections.unmodifiableMap(new LinkedHashMap<>(buckets));
  }

  /**
   * Looks up a statistic.
   *
   * @param name e.g. {@code max}, {@code total}, {@code p99_estimate}
   * @return its value, empty when this series has no such statistic
   */
  public OptionalDouble find(String name) {
    Double v = stats.get(name);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /**
   * Returns a statistic.
   *
   * @param name e.g. {@code max}, {@code total}, {@code p99_estimate}
   * @return its value
   * @throws IllegalArgumentException if this series has no such statistic (the message lists
   *     those it has)
   */
  public double stat(String name) {
    Double v = stats.get(name);
    if (v == null) {
      throw new IllegalArgumentException("No statistic '" + name + "' in series " + labels
          + " of " + endpoint + "; it has " + stats.keySet());
    }
    return v;
  }
}
