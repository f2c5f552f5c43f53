package io.aiperf.engine.internal;

import io.aiperf.api.ArrivalPattern;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Calibration;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.Metrics;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the client's ceiling with real runs against a server that answers at once (the mock in
 * its fast mode, started by the caller): whatever limits these runs is the client (and the
 * server's share of the CPUs when it runs on the same machine). The engine does not start the
 * mock itself, so library users do not carry a mock server.
 */
final class Calibrator {
  private static final Logger log = LoggerFactory.getLogger(Calibrator.class);
  /** Enough requests in flight to keep every worker's loop busy without queueing in the pool. */
  private static final int CONCURRENCY = 128;
  private static final int STREAM_CONCURRENCY = 64;
  /** Long streams: per-chunk work dominates, not per-request work. */
  private static final int STREAM_TOKENS = 256;
  /** The pacer is timed at this share of the measured request ceiling. */
  private static final double PACED_SHARE = 0.5;

  private Calibrator() {}

  static Calibration run(String url, Duration step) {
    log.info("Calibrating against {}: {} per step", url, step);
    BenchmarkResult requests = closedLoop(url, false, 16, CONCURRENCY, step);
    double maxRequests = requests.metric(Metrics.REQUEST_THROUGHPUT).avg();
    BenchmarkResult streams = closedLoop(url, true, STREAM_TOKENS, STREAM_CONCURRENCY, step);
    MetricResult gaps = streams.metric(Metrics.INTER_CHUNK_LATENCY);
    double seconds = streams.metric(Metrics.BENCHMARK_DURATION).avg();
    // Each stream's first chunk has no gap before it: chunks = gaps + streams.
    double maxChunks = (gaps.count() + streams.requestsCompleted()) / Math.max(1e-9, seconds);
    double rate = Math.max(100, Math.floor(maxRequests * PACED_SHARE / 100) * 100);
    BenchmarkResult paced = Benchmark.builder()
        .endpoint(Endpoints.openAiChat(url).model("calibrate"))
        .dataset(Datasets.synthetic().inputTokens(64, 0).outputTokens(16, 0).seed(1))
        .requestRate(rate).arrivalPattern(ArrivalPattern.CONSTANT)
        .benchmarkDuration(step).gracePeriod(Duration.ofSeconds(10))
        .run();
    MetricResult lateness = paced.metric(new MetricTag("schedule_lateness"));
    return new Calibration(maxRequests, maxChunks, rate, lateness.p50(), lateness.p99(),
        CONCURRENCY, Runtime.getRuntime().availableProcessors(), step);
  }

  private static BenchmarkResult closedLoop(String url, boolean streaming, int tokens,
      int concurrency, Duration step) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(url).model("calibrate").streaming(streaming))
        .dataset(Datasets.synthetic().inputTokens(64, 0).outputTokens(tokens, 0).seed(1))
        .concurrency(concurrency)
        // The first seconds run interpreted code: warm the JIT before measuring.
        .warmupDuration(step.dividedBy(2))
        .benchmarkDuration(step).gracePeriod(Duration.ofSeconds(10))
        .run();
  }
}
