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
}
