package io.aiperf.api.spi;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkRun;

/**
 * Runs benchmarks; aiperf-engine provides the default one, named {@code default}.
 *
 * @since 0.1.0
 */
public interface BenchmarkEngineProvider extends Plugin {
  /**
   * Starts a benchmark without waiting for it.
   *
   * @param config the validated configuration
   * @return a handle to wait for or cancel the run
   */
  BenchmarkRun start(BenchmarkConfig config);

  /**
   * Measures the client's ceiling on this machine: see {@link io.aiperf.api.Calibration}.
   *
   * @param fastServerUrl base URL of a server that answers at once (the mock in fast mode)
   * @param stepDuration how long each of the measuring steps runs
   * @return the ceiling
   * @throws UnsupportedOperationException if this engine cannot calibrate
   */
  default io.aiperf.api.Calibration calibrate(String fastServerUrl,
      java.time.Duration stepDuration) {
    throw new UnsupportedOperationException("The engine '" + name() + "' cannot calibrate");
  }

  /**
   * Runs repeated runs or a parameter sweep: see {@link io.aiperf.api.SweepPlan}.
   *
   * @param plan the checked plan
   * @return every point with its runs and estimates
   * @throws UnsupportedOperationException if this engine cannot sweep
   * @since 0.1.0
   */
  default io.aiperf.api.SweepResult sweep(io.aiperf.api.SweepPlan plan) {
    throw new UnsupportedOperationException("The engine '" + name() + "' cannot sweep");
  }

  /**
   * Searches the highest load meeting objectives: see {@link io.aiperf.api.SearchPlan}.
   *
   * @param plan the checked plan
   * @return the answer and every point
   * @throws UnsupportedOperationException if this engine cannot search
   * @since 0.1.0
   */
  default io.aiperf.api.SearchResult search(io.aiperf.api.SearchPlan plan) {
    throw new UnsupportedOperationException("The engine '" + name() + "' cannot search");
  }
}
