package io.aiperf.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One Prometheus metric of the inference server (e.g. {@code vllm:kv_cache_usage_perc}) over the
 * profiling window: every series it had, on every scraped endpoint.
 *
 * <pre>{@code
 * ServerMetric kv = result.serverMetrics().orElseThrow().metric("vllm:kv_cache_usage_perc");
 * double worst = kv.stat("max"); // across every series
 * }</pre>
 *
 * @param name the metric family's name, as AIPerf keys it (a counter without {@code _total})
 * @param type its type
 * @param description its HELP text
 * @param unit the unit AIPerf infers from the name or HELP text ({@code seconds},
 *     {@code tokens}, {@code ratio}, ...), "" when none
 * @param series its series, sorted by endpoint then labels
 * @since 0.1.0
 */
public record ServerMetric(String name, ServerMetricType type, String description, String unit,
    List<ServerMetricSeries> series) {
  private static final Set<String> ADDED = Set.of("total", "rate", "count", "sum", "count_rate",
      "sum_rate");

  /**
   * Copies the list.
   *
   * @param name the metric family's name, as AIPerf keys it (a counter without {@code _total})
   * @param type its type
   * @param description its HELP text
   * @param unit the unit AIPerf infers from the name or HELP text ({@code seconds},
   *     {@code tokens}, {@code ratio}, ...), "" when none
   * @param series its series, sorted by endpoint then labels
   */
  public ServerMetric {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    series = List.copyOf(series);
  }

  /**
   * A statistic over every series: {@code max} and {@code *_max} the largest, {@code min} the
   * smallest, counts, totals, sums and rates added up; any other statistic needs exactly one
   * series.
   *
   * @param name the statistic, as {@link ServerMetricSeries#stat(String)} names it
   * @return its value
   * @throws IllegalArgumentException if no series has it, or it cannot be combined across the
   *     series this metric has (pick one with {@link #series(Map)})
   */
  public double stat(String name) {
    List<Double> values = series.stream().filter(s -> s.stats().containsKey(name))
        .map(s -> s.stats().get(name)).toList();
    if (values.isEmpty()) {
      throw new IllegalArgumentException("No statistic '" + name + "' in metric '" + this.name
          + "'; its series have " + series.stream().flatMap(s -> s.stats().keySet().stream())
              .collect(Collectors.toCollection(java.util.LinkedHashSet::new)));
    }
    if (values.size() == 1) {
      return values.get(0);
    }
    if (name.equals("max") || name.endsWith("_max")) {
      return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }
    if (name.equals("min") || name.endsWith("_min")) {
      return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }
    if (ADDED.contains(name)) {
      return values.stream().mapToDouble(Double::doubleValue).sum();
    }
    throw new IllegalArgumentException("Statistic '" + name + "' of metric '" + this.name
        + "' cannot be combined across its " + values.size() + " series; pick one with"
        + " series(labels): " + series.stream().map(ServerMetricSeries::labels).toList());
  }

  /**
   * The series with exactly these labels.
   *
   * @param labels the labels
   * @return the series
   * @throws IllegalArgumentException if none has them (the message lists those there are)
   */
  public ServerMetricSeries series(Map<String, String> labels) {
    return series.stream().filter(s -> s.labels().equals(labels)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No series " + labels + " in metric '"
            + name + "'; it has " + series.stream().map(ServerMetricSeries::labels).toList()));
  }
}
