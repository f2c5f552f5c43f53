package io.aiperf.junit;

import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.Slo;
import io.aiperf.api.SloViolation;
import io.aiperf.api.Statistic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * SLO assertions on a {@link BenchmarkResult} that fail a build with a message naming the metric,
 * the statistic, the measured value, the threshold and the run.
 *
 * <pre>{@code
 * assertThat(result).metric(Metrics.TTFT).p99().isLessThan(Duration.ofMillis(200));
 * assertThat(result).errorRate().isZero();
 * assertThat(result).goodputFraction().isAtLeast(0.95);
 * assertThat(result).meets("time_to_first_token.p99<200ms", "inter_token_latency.avg<20ms");
 * assertThat(result).serverMetric("vllm:kv_cache_usage_perc").max().isLessThan(0.9);
 * assertThat(result).outputTokensPerJoule().isAtLeast(2.0);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class AiperfAssertions {
  private AiperfAssertions() {}

  /**
   * Starts assertions on a result.
   *
   * @param result the result
   * @return the assertions
   */
  public static ResultAssert assertThat(BenchmarkResult result) {
    return new ResultAssert(Objects.requireNonNull(result, "result"));
  }

  /**
   * Starts assertions on a load search's answer.
   *
   * <pre>{@code
   * assertThat(Benchmark.search(config).requestRate(5, 500).ttft(ofMillis(200)).run())
   *     .highestLoadIsAtLeast(50);
   * }</pre>
   *
   * @param result the search's result
   * @return assertions on it
   * @since 0.1.0
   */
  public static SearchAssert assertThat(io.aiperf.api.SearchResult result) {
    return new SearchAssert(java.util.Objects.requireNonNull(result, "result"));
  }

  /**
   * Assertions on a {@link io.aiperf.api.SearchResult}; a failure states the measured answer,
   * its interval and every point tried.
   *
   * @since 0.1.0
   */
  public static final class SearchAssert {
    private final io.aiperf.api.SearchResult result;

    private SearchAssert(io.aiperf.api.SearchResult result) {
      this.result = result;
    }

    /**
     * Asserts that the highest load meeting the objectives is at least {@code minimum}: the
     * search found it (or the objectives held up to its top) and it is not below.
     *
     * @param minimum requests per second, or a concurrency
     * @return this
     * @throws AssertionError with the answer, its interval and every point otherwise
     */
    public SearchAssert highestLoadIsAtLeast(double minimum) {
      boolean ok = (result.outcome() == io.aiperf.api.SearchResult.Outcome.FOUND
          || result.outcome() == io.aiperf.api.SearchResult.Outcome.ALWAYS_MET
          || result.outcome() == io.aiperf.api.SearchResult.Outcome.CLIENT_LIMITED)
          && result.answer() >= minimum;
      if (!ok) {
        throw new AssertionError(String.format(java.util.Locale.ROOT,
            "Expected the highest load meeting the objectives to be at least %s but it was %s"
                + " (outcome %s, interval [%s, %s]).%n%s", minimum, result.answer(),
            result.outcome(), result.lowerBound(), result.upperBound(), result.describe()));
      }
      return this;
    }
  }

  /** Assertions on a whole result. */
  public static final class ResultAssert {
    private final BenchmarkResult result;

    ResultAssert(BenchmarkResult result) {
      this.result = result;
    }

    /**
     * Asserts on one metric.
     *
     * @param tag the metric
     * @return the metric's assertions
     * @throws AssertionError if the run has no such metric
     */
    public MetricAssert metric(MetricTag tag) {
      MetricResult m = result.find(tag).orElseThrow(() -> new AssertionError("No metric '" + tag
          + "' in this run " + run(result) + "; it has " + result.metricsByTag().keySet()));
      return new MetricAssert(result, m);
    }

    /**
     * Asserts on the share of requests that did not succeed.
     *
     * @return assertions on the error rate (0 to 1)
     */
    public ValueAssert errorRate() {
      return new ValueAssert(result, "error rate", "", result.errorRate(), false);
    }

    /**
     * Asserts on the share of requests that met every goodput SLO.
     *
     * @return assertions on the fraction (0 to 1)
     * @throws AssertionError if the run set no goodput SLOs
     */
    public ValueAssert goodputFraction() {
      MetricResult m = result.find(new MetricTag("good_request_fraction")).orElseThrow(() ->
          new AssertionError("No goodput in this run " + run(result)
              + ": set SLOs with Benchmark.builder().goodput(...)"));
      return new ValueAssert(result, "goodput fraction", "", m.avg(), false);
    }

    /**
     * Asserts on one of the inference server's Prometheus metrics over the profiling window
     * (collected with {@code Benchmark.builder().serverMetrics()}).
     *
     * @param name the metric family's name, e.g. {@code vllm:kv_cache_usage_perc}
     * @return the metric's assertions
     * @throws AssertionError if the run collected no server metrics or none of that name
     * @since 0.1.0
     */
    public ServerMetricAssert serverMetric(String name) {
      io.aiperf.api.ServerMetrics sm = result.serverMetrics().orElseThrow(() -> new AssertionError(
          "No server metrics in this run " + run(result) + ": collect them with"
              + " Benchmark.builder().serverMetrics()"));
      io.aiperf.api.ServerMetric m = sm.find(name).orElseThrow(() -> new AssertionError(
          "No server metric '" + name + "' in this run " + run(result) + "; scraped "
              + sm.metrics().stream().limit(20).map(io.aiperf.api.ServerMetric::name).toList()
              + (sm.problems().isEmpty() ? "" : "; problems: " + sm.problems())));
      return new ServerMetricAssert(result, m);
    }

    /**
     * Asserts on one of AIPerf's GPU energy-efficiency metrics over the profiling window
     * (collected with {@code Benchmark.builder().gpuTelemetry(...)}).
     *
     * @param tag AIPerf's tag, e.g. {@code nvidia_energy_per_output_token}
     * @return assertions on its value, in its unit
     * @throws AssertionError if the run collected no GPU telemetry or could not compute it
     * @since 0.1.0
     */
    public ValueAssert gpuEfficiency(String tag) {
      io.aiperf.api.GpuTelemetry t = result.gpuTelemetry().orElseThrow(() -> new AssertionError(
          "No GPU telemetry in this run " + run(result) + ": collect it with"
              + " Benchmark.builder().gpuTelemetry(...)"));
      MetricResult m = t.efficiency(tag).orElseThrow(() -> new AssertionError("No GPU"
          + " efficiency metric '" + tag + "' in this run " + run(result) + "; it has "
          + t.efficiency().stream().map(x -> x.tag().tag()).toList()
          + (t.gpus().isEmpty() ? " (no GPU was scraped: " + t.problems() + ")" : "")));
      return new ValueAssert(result, tag, m.unit(), m.avg(), false);
    }

    /**
     * Asserts on the output tokens per joule of GPU energy ({@code nvidia_output_tokens_per_joule}).
     *
     * @return assertions on it, in tokens/J
     * @throws AssertionError if the run collected no GPU telemetry
     * @since 0.1.0
     */
    public ValueAssert outputTokensPerJoule() {
      return gpuEfficiency("nvidia_output_tokens_per_joule");
    }

    /**
     * Asserts every SLO at once and lists all that failed, not only the first.
     *
     * @param slos SLOs as {@link Slo#parse} reads them
     * @return this
     * @throws AssertionError listing every broken SLO
     */
    public ResultAssert meets(String... slos) {
      List<Slo> parsed = new ArrayList<>();
      for (String s : slos) {
        parsed.add(Slo.parse(s));
      }
      List<SloViolation> broken = result.check(parsed);
      if (!broken.isEmpty()) {
        StringBuilder message = new StringBuilder(broken.size() + " of " + parsed.size()
            + " SLOs broken:");
        broken.forEach(v -> message.append("\n  - ").append(v.message()));
        throw new AssertionError(message.toString());
      }
      return this;
    }
  }

  /** Assertions on one metric. */
  public static final class MetricAssert {
    private final BenchmarkResult result;
    private final MetricResult metric;

    MetricAssert(BenchmarkResult result, MetricResult metric) {
      this.result = result;
      this.metric = metric;
    }

    /**
     * Picks a statistic.
     *
     * @param statistic the statistic
     * @return assertions on its value
     */
    public ValueAssert statistic(Statistic statistic) {
      return new ValueAssert(result, metric.tag() + " " + statistic.key(), metric.unit(),
          metric.get(statistic), metric.unit().equals("ms"));
    }

    /**
     * Picks the 99th percentile.
     *
     * @return assertions on it
     */
    public ValueAssert p99() {
      return statistic(Statistic.P99);
    }

    /**
     * Picks the 90th percentile.
     *
     * @return assertions on it
     */
    public ValueAssert p90() {
      return statistic(Statistic.P90);
    }

    /**
     * Picks the median.
     *
     * @return assertions on it
     */
    public ValueAssert p50() {
      return statistic(Statistic.P50);
    }

    /**
     * Picks the mean.
     *
     * @return assertions on it
     */
    public ValueAssert avg() {
      return statistic(Statistic.AVG);
    }

    /**
     * Picks the maximum.
     *
     * @return assertions on it
     */
    public ValueAssert max() {
      return statistic(Statistic.MAX);
    }
  }

  /**
   * Assertions on one server metric: a statistic over all its series ({@code max} the largest,
   * totals and counts added up; see {@link io.aiperf.api.ServerMetric#stat(String)}).
   *
   * @since 0.1.0
   */
  public static final class ServerMetricAssert {
    private final BenchmarkResult result;
    private final io.aiperf.api.ServerMetric metric;

    ServerMetricAssert(BenchmarkResult result, io.aiperf.api.ServerMetric metric) {
      this.result = result;
      this.metric = metric;
    }

    /**
     * Picks a statistic by AIPerf's name.
     *
     * @param name e.g. {@code max}, {@code avg}, {@code total}, {@code p99_estimate}
     * @return assertions on its value, in the metric's unit
     * @throws AssertionError if the metric has no such statistic
     */
    public ValueAssert stat(String name) {
      double v;
      try {
        v = metric.stat(name);
      } catch (IllegalArgumentException e) {
        throw new AssertionError(e.getMessage() + " " + run(result), e);
      }
      return new ValueAssert(result, metric.name() + " " + name, metric.unit(), v, false);
    }

    /**
     * Picks a gauge's maximum over the window.
     *
     * @return assertions on it
     */
    public ValueAssert max() {
      return stat("max");
    }

    /**
     * Picks a gauge's or histogram's mean over the window.
     *
     * @return assertions on it
     */
    public ValueAssert avg() {
      return stat("avg");
    }

    /**
     * Picks a counter's increase over the window.
     *
     * @return assertions on it
     */
    public ValueAssert total() {
      return stat("total");
    }
  }

  /** Assertions on one measured value. */
  public static final class ValueAssert {
    private final BenchmarkResult result;
    private final String what;
    private final String unit;
    private final double value;
    private final boolean milliseconds;

    ValueAssert(BenchmarkResult result, String what, String unit, double value,
        boolean milliseconds) {
      this.result = result;
      this.what = what;
      this.unit = unit;
      this.value = value;
      this.milliseconds = milliseconds;
    }

    /**
     * Asserts the value is below a duration (for metrics in milliseconds).
     *
     * @param limit the limit
     * @return this
     */
    public ValueAssert isLessThan(Duration limit) {
      if (!milliseconds) {
        throw new AssertionError(what + " is in " + unit + ", not a duration");
      }
      return check(value < limit.toNanos() / 1e6, "<", limit.toNanos() / 1e6);
    }

    /**
     * Asserts the value is below a number, in the metric's display unit.
     *
     * @param limit the limit
     * @return this
     */
    public ValueAssert isLessThan(double limit) {
      return check(value < limit, "<", limit);
    }

    /**
     * Asserts the value is at most a number.
     *
     * @param limit the limit
     * @return this
     */
    public ValueAssert isAtMost(double limit) {
      return check(value <= limit, "<=", limit);
    }

    /**
     * Asserts the value is at least a number.
     *
     * @param limit the limit
     * @return this
     */
    public ValueAssert isAtLeast(double limit) {
      return check(value >= limit, ">=", limit);
    }

    /**
     * Asserts the value is zero.
     *
     * @return this
     */
    public ValueAssert isZero() {
      return check(value == 0, "==", 0);
    }

    private ValueAssert check(boolean ok, String op, double limit) {
      if (!ok) {
        throw new AssertionError(String.format(Locale.ROOT, "%s was %.3f%s, expected %s %s %s",
            what, value, unit.isEmpty() ? "" : " " + unit, op, limit, run(result)));
      }
      return this;
    }
  }

  static String run(BenchmarkResult result) {
    var c = result.config();
    return "[" + c.endpoint().type() + " " + c.endpoint().url() + ", "
        + (c.requestRate().isPresent() ? c.requestRate().getAsDouble() + " req/s"
            : "concurrency " + c.concurrency()) + ", " + result.requestsSent() + " requests]";
  }
}
