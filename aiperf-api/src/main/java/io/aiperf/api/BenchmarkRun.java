package io.aiperf.api;

import java.util.concurrent.CompletableFuture;

/**
 * A benchmark in progress, returned by {@link Benchmark.Builder#start()}.
 *
 * @since 0.1.0
 */
public interface BenchmarkRun {
  /**
   * Returns the future result; it completes when the run ends, exceptionally with a
   * {@link BenchmarkFailedException} (carrying partial results) when it fails.
   *
   * @return the future result
   */
  CompletableFuture<BenchmarkResult> result();

  /**
   * Stops issuing new requests; in-flight requests are given the grace period, then cancelled. The
   * result is marked cancelled and still holds everything measured.
   */
  void cancel();

  /**
   * Waits for the run to end.
   *
   * @return the result
   * @throws BenchmarkFailedException if the run failed
   */
  BenchmarkResult await();
}
