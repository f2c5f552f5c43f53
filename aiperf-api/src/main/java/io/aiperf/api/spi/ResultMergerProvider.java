package io.aiperf.api.spi;

import io.aiperf.api.BenchmarkResult;
import java.util.List;

/**
 * Merges benchmark results for {@link io.aiperf.api.Benchmark#merge}; aiperf-engine provides the default, named {@code hdr}.
 *
 * @since 0.1.0
 */
public interface ResultMergerProvider extends Plugin {
  /**
   * Merges results.
   *
   * @param results the results, at least one
   * @return the merged result
   */
  BenchmarkResult merge(List<BenchmarkResult> results);
}
