package io.aiperf.api;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a benchmark measured: one {@link MetricResult} per metric, error counts, and when it ran.
 *
 * <pre>{@code
 * double p99 = result.metric(Metrics.TIME_TO_FIRST_TOKEN).p99(); // milliseconds
 * }</pre>
 *
 * @param config the configuration that ran
 * @param metricsTitle the console title for the endpoint kind, e.g. {@code LLM Metrics}
 * @param metrics the metric results, in display order
 * @param errors the error summary, most frequent first
 * @param requestsSent requests sent to the server
 * @param requestsCompleted requests that ended successfully
 * @param requestsFailed requests that ended with an error, cancellations excepted
 * @param requestsCancelled requests cancelled by aiperf (asked-for cancellation, or still in flight
 *     after a cancel or the grace period); sent = completed + failed + cancelled
 * @param startTime wall-clock start of the first request
 * @param endTime wall-clock end of the last response
 * @param wasCancelled whether the run was stopped before it finished
 * @param seed the random seed the dataset used
 * @param warnings plain-language warnings about the run (empty when nothing is off)
 * @param artifactDir where export files were written, if anywhere
 * @param histograms per distribution metric tag, its HdrHistogram (display units, compressed,
 *     base64): exact to 3 significant digits and mergeable across runs and hosts with
 *     {@link Benchmark#merge(List)}
 * @param serverMetrics the inference server's Prometheus metrics over the profiling window, when
 *     they were collected ({@link Benchmark.Builder#serverMetrics(java.net.URI...)})
 * @param gpuTelemetry the GPUs' DCGM telemetry and energy efficiency over the profiling window,
 *     when it was collected ({@link Benchmark.Builder#gpuTelemetry(java.net.URI...)})
 * @param remoteClocks the clock of each service that ran in another process, against the
 *     controller's: empty when everything ran in one
 * @since 0.1.0
 */
public record BenchmarkResult(
    BenchmarkConfig config,
    String metricsTitle,
    List<MetricResult> metrics,
    List<ErrorSummary> errors,
    long requestsSent,
    long requestsCompleted,
    long requestsFailed,
    long requestsCancelled,
    Instant startTime,
    Instant endTime,
    boolean wasCancelled,
    long seed,
    List<String> warnings,
    Optional<Path> artifactDir,
    Map<String, String> histograms,
    Optional<ServerMetrics> serverMetrics,
    Optional<GpuTelemetry> gpuTelemetry,
    List<RemoteClock> remoteClocks) {

  /**
   * Copies the collections, so the result stays immutable.
   *
   * @param config the configuration that ran
   * @param metricsTitle the console title for the endpoint kind, e.g. {@code LLM Metrics}
   * @param metrics the metric results, in display order
   * @param errors the error summary, most frequent first
   * @param requestsSent requests sent to the server
   * @param requestsCompleted requests that ended successfully
   * @param requestsFailed requests that ended with an error, cancellations excepted
   * @param requestsCancelled requests cancelled by aiperf (asked-for cancellation, or still in flight
   *     after a cancel or the grace period); sent = completed + failed + cancelled
   * @param startTime wall-clock start of the first request
   * @param endTime wall-clock end of the last response
   * @param wasCancelled whether the run was stopped before it finished
   * @param seed the random seed the dataset used
   * @param warnings plain-language warnings about the run (empty when nothing is off)
   * @param artifactDir where export files were written, if anywhere
   * @param histograms per distribution metric tag, its HdrHistogram (display units, compressed,
   *     base64): exact to 3 significant digits and mergeable across runs and hosts with
   *     {@link Benchmark#merge(List)}
   * @param serverMetrics what the server's Prometheus endpoints reported over the profiling
   *     window, empty when the run scraped none
   * @param gpuTelemetry what the GPUs' DCGM exporters reported over the profiling window, empty
   *     when the run scraped none
   * @param remoteClocks the clock of each service that ran in another process
   */
  public BenchmarkResult {
    remoteClocks = List.copyOf(remoteClocks);
    metrics = List.copyOf(metrics);
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    histograms = Map.copyOf(histograms);
    java.util.Objects.requireNonNull(serverMetrics, "serverMetrics");
    java.util.Objects.requireNonNull(gpuTelemetry, "gpuTelemetry");
  }

  /**
   * A result of services that all ran in one process.
   *
   * @param config the configuration that ran
   * @param metricsTitle the console title for the endpoint kind
   * @param metrics the metric results, in display order
   * @param errors the error summary, most frequent first
   * @param requestsSent requests sent to the server
   * @param requestsCompleted requests that ended successfully
   * @param requestsFailed requests that ended with an error, cancellations excepted
   * @param requestsCancelled requests cancelled by aiperf
   * @param startTime wall-clock start of the first request
   * @param endTime wall-clock end of the last response
   * @param wasCancelled whether the run was stopped before it finished
   * @param seed the random seed the dataset used
   * @param warnings plain-language warnings about the run
   * @param artifactDir where export files were written, if anywhere
   * @param histograms per distribution metric tag, its HdrHistogram
   * @param serverMetrics the server metrics, if collected
   * @param gpuTelemetry the GPU telemetry, if collected
   */
  public BenchmarkResult(BenchmarkConfig config, String metricsTitle, List<MetricResult> metrics,
      List<ErrorSummary> errors, long requestsSent, long requestsCompleted, long requestsFailed,
      long requestsCancelled, Instant startTime, Instant endTime, boolean wasCancelled, long seed,
      List<String> warnings, Optional<Path> artifactDir, Map<String, String> histograms,
      Optional<ServerMetrics> serverMetrics, Optional<GpuTelemetry> gpuTelemetry) {
    this(config, metricsTitle, metrics, errors, requestsSent, requestsCompleted, requestsFailed,
        requestsCancelled, startTime, endTime, wasCancelled, seed, warnings, artifactDir,
        histograms, serverMetrics, gpuTelemetry, List.of());
  }

  /**
   * A result without server metrics or GPU telemetry.
   *
   * @param config the configuration that ran
   * @param metricsTitle the console title for the endpoint kind
   * @param metrics the metric results, in display order
   * @param errors the error summary, most frequent first
   * @param requestsSent requests sent to the server
   * @param requestsCompleted requests that ended successfully
   * @param requestsFailed requests that ended with an error, cancellations excepted
   * @param requestsCancelled requests cancelled by aiperf
   * @param startTime wall-clock start of the first request
   * @param endTime wall-clock end of the last response
   * @param wasCancelled whether the run was stopped before it finished
   * @param seed the random seed the dataset used
   * @param warnings plain-language warnings about the run
   * @param artifactDir where export files were written, if anywhere
   * @param histograms per distribution metric tag, its HdrHistogram
   */
  public BenchmarkResult(BenchmarkConfig config, String metricsTitle, List<MetricResult> metrics,
      List<ErrorSummary> errors, long requestsSent, long requestsCompleted, long requestsFailed,
      long requestsCancelled, Instant startTime, Instant endTime, boolean wasCancelled, long seed,
      List<String> warnings, Optional<Path> artifactDir, Map<String, String> histograms) {
    this(config, metricsTitle, metrics, errors, requestsSent, requestsCompleted, requestsFailed,
        requestsCancelled, startTime, endTime, wasCancelled, seed, warnings, artifactDir,
        histograms, Optional.empty(), Optional.empty(), List.of());
  }

  /**
   * This result with what the server-metrics and GPU-telemetry services measured: their
   * summaries, the energy-efficiency metrics appended to {@link #metrics()} and their warnings
   * to {@link #warnings()}.
   *
   * @param serverMetrics the server metrics, if collected
   * @param gpuTelemetry the GPU telemetry, if collected
   * @param moreMetrics metrics to append (AIPerf's energy-efficiency metrics)
   * @param moreWarnings warnings to append
   * @return the new result
   */
  public BenchmarkResult withTelemetry(Optional<ServerMetrics> serverMetrics,
      Optional<GpuTelemetry> gpuTelemetry, List<MetricResult> moreMetrics,
      List<String> moreWarnings) {
    List<MetricResult> allMetrics = new java.util.ArrayList<>(metrics);
    allMetrics.addAll(moreMetrics);
    List<String> allWarnings = new java.util.ArrayList<>(warnings);
    allWarnings.addAll(moreWarnings);
    return new BenchmarkResult(config, metricsTitle, allMetrics, errors, requestsSent,
        requestsCompleted, requestsFailed, requestsCancelled, startTime, endTime, wasCancelled,
        seed, allWarnings, artifactDir, histograms, serverMetrics, gpuTelemetry, remoteClocks);
  }

  /**
   * Checks SLOs against this result, every one of them (not only the first broken).
   *
   * @param slos the SLOs
   * @return the broken ones, empty when all hold; each message names the metric, statistic,
   *     measured value and threshold, and ends with the run (endpoint and load)
   */
  public List<SloViolation> check(List<Slo> slos) {
    String run = " [" + config.endpoint().type() + " " + config.endpoint().url() + ", "
        + (config.requestRate().isPresent() ? config.requestRate().getAsDouble() + " req/s"
            : "concurrency " + config.concurrency()) + "]";
    List<SloViolation> violations = new java.util.ArrayList<>();
    for (Slo slo : slos) {
      SloViolation v = slo.check(this);
      if (v != null) {
        violations.add(new SloViolation(v.slo(), v.measured(), v.message() + run));
      }
    }
    return List.copyOf(violations);
  }

  /**
   * Returns the result of one metric.
   *
   * @param tag the metric tag, e.g. {@link Metrics#TIME_TO_FIRST_TOKEN}
   * @return the result
   * @throws IllegalArgumentException if this run has no such metric (the message lists those it has)
   */
  public MetricResult metric(MetricTag tag) {
    return find(tag).orElseThrow(() -> new IllegalArgumentException("No metric '" + tag
        + "' in this result; it has " + metrics.stream().map(m -> m.tag().tag())
            .collect(Collectors.joining(", ", "[", "]"))));
  }

  /**
   * Looks up the result of one metric.
   *
   * @param tag the metric tag
   * @return the result, empty when the metric does not apply to this run (e.g. TTFT without
   *     streaming)
   */
  public Optional<MetricResult> find(MetricTag tag) {
    return metrics.stream().filter(m -> m.tag().equals(tag)).findFirst();
  }

  /**
   * Returns the metrics keyed by tag.
   *
   * @return an unmodifiable map in display order
   */
  public Map<String, MetricResult> metricsByTag() {
    return metrics.stream().collect(Collectors.toUnmodifiableMap(m -> m.tag().tag(), m -> m,
        (a, b) -> a));
  }

  /**
   * Returns the fraction of ended requests that did not succeed.
   *
   * @return (failed + cancelled) / sent, 0 when nothing was sent
   */
  public double errorRate() {
    long ended = requestsCompleted + requestsFailed + requestsCancelled;
    return ended == 0 ? 0 : (double) (requestsFailed + requestsCancelled) / ended;
  }

  /**
   * Returns the wall-clock span from the first request start to the last response end.
   *
   * @return the duration
   */
  public Duration duration() {
    return Duration.between(startTime, endTime);
  }
}
