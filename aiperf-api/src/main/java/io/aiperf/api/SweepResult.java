package io.aiperf.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link SweepPlan} measured: every point with its runs and estimates.
 *
 * <pre>{@code
 * SweepResult r = Benchmark.sweep(config).concurrency(1, 8, 32).run();
 * r.paretoFrontier().forEach(p -> System.out.println(p.label()));
 * }</pre>
 *
 * @param points every point, in run order
 * @param confidenceLevel the confidence level of the intervals
 * @param artifactDir the directory holding every run and the aggregate files, if any
 * @param table the console table, one row per point
 * @since 0.1.0
 */
public record SweepResult(List<SweepPoint> points, double confidenceLevel,
    Optional<Path> artifactDir, String table) {

  /**
   * Copies the points.
   *
   * @param points every point, in run order
   * @param confidenceLevel the confidence level of the intervals
   * @param artifactDir the directory holding every run and the aggregate files, if any
   * @param table the console table, one row per point
   */
  public SweepResult {
    points = List.copyOf(points);
    Objects.requireNonNull(artifactDir, "artifactDir");
    Objects.requireNonNull(table, "table");
  }

  /**
   * Returns the points no other point beats on both request throughput and p99 latency.
   *
   * @return the frontier, in run order
   */
  public List<SweepPoint> paretoFrontier() {
    return points.stream().filter(SweepPoint::paretoOptimal).toList();
  }

  /**
   * Returns how many runs failed over all points.
   *
   * @return the count
   */
  public int failedRuns() {
    return points.stream().mapToInt(p -> p.failures().size()).sum();
  }
}
