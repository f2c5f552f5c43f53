package io.aiperf.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the inference server's own Prometheus metrics said during the profiling window (warmup
 * excluded): AIPerf's ServerMetricsManager, scraped on a thread of its own every 333 ms.
 *
 * <pre>{@code
 * ServerMetrics server = result.serverMetrics().orElseThrow();
 * double generated = server.metric("vllm:generation_tokens").stat("total");
 * }</pre>
 *
 * @param endpointsConfigured every endpoint that was to be scraped
 * @param endpointsReachable those that answered with a Prometheus page
 * @param start the window's start (the profiling phase's)
 * @param end the window's end (the final scrape after the load)
 * @param metrics the metrics over the profiling window, sorted by name
 * @param warmupMetrics the same over the warmup phase, empty without one
 * @param scrapes scrapes that returned a page, on all endpoints
 * @param skippedLines malformed lines skipped, over all scrapes
 * @param problems what went wrong (an endpoint unreachable, a page that is no Prometheus page,
 *     a counter reset), in plain words; empty when nothing did
 * @since 0.1.0
 */
public record ServerMetrics(List<String> endpointsConfigured, List<String> endpointsReachable,
    Instant start, Instant end, List<ServerMetric> metrics, List<ServerMetric> warmupMetrics,
    long scrapes, long skippedLines, List<String> problems) {
  /**
   * Copies the lists.
   *
   * @param endpointsConfigured every endpoint that was to be scraped
   * @param endpointsReachable those that answered with a Prometheus page
   * @param start the window's start (the profiling phase's)
   * @param end the window's end (the final scrape after the load)
   * @param metrics the metrics over the profiling window, sorted by name
   * @param warmupMetrics the same over the warmup phase, empty without one
   * @param scrapes scrapes that returned a page, on all endpoints
   * @param skippedLines malformed lines skipped, over all scrapes
   * @param problems what went wrong (an endpoint unreachable, a page that is no Prometheus page,
   *     a counter reset), in plain words; empty when nothing did
   */
  public ServerMetrics {
    endpointsConfigured = List.copyOf(endpointsConfigured);
    endpointsReachable = List.copyOf(endpointsReachable);
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    metrics = List.copyOf(metrics);
    warmupMetrics = List.copyOf(warmupMetrics);
    problems = List.copyOf(problems);
  }

  /**
   * Looks up a metric.
   *
   * @param name the family name, e.g. {@code vllm:num_requests_running}
   * @return the metric, empty when no endpoint served it
   */
  public Optional<ServerMetric> find(String name) {
    return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * Returns a metric.
   *
   * @param name the family name, e.g. {@code vllm:num_requests_running}
   * @return the metric
   * @throws IllegalArgumentException if no endpoint served it (the message lists some that were)
   */
  public ServerMetric metric(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("No server metric '" + name
        + "'; scraped " + metrics.size() + " metrics" + (metrics.isEmpty() ? ""
            : ", e.g. " + metrics.stream().limit(12).map(ServerMetric::name)
                .collect(Collectors.joining(", ")))));
  }
}
