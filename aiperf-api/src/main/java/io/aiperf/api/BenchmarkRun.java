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
   * Stops issuing new requests; in-flight requests are given a drain time (10 s, AIPerf's), then
   * cancelled. The result is marked cancelled and still holds everything measured.
   */
  void cancel();

  /**
   * Stops at once: no new requests, and every request in flight ends now as cancelled (code 499)
   * instead of after the drain time. The exports are still written with everything measured. This
   * is what a second Ctrl-C does in the CLI.
   *
   * <p>The default calls {@link #cancel()}, for runs that have no drain time.
   */
  default void cancelNow() {
    cancel();
  }

  /**
   * Waits for the run to end.
   *
   * @return the result
   * @throws BenchmarkFailedException if the run failed
   */
  BenchmarkResult await();
}
