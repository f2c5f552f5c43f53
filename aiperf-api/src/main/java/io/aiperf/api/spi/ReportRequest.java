package io.aiperf.api.spi;

import io.aiperf.api.Slo;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link ReportProvider} is asked to chart.
 *
 * <pre>{@code
 * var request = new ReportRequest(List.of(Path.of("artifacts/run1")), List.of(), 5000);
 * }</pre>
 *
 * @param runs the run directories, in the order to show them
 * @param slos extra SLOs to check against each run
 * @param maxPoints points one HTML chart may hold before it aggregates or samples
 * @since 0.1.0
 */
public record ReportRequest(List<Path> runs, List<Slo> slos, int maxPoints) {
  /**
   * Copies the lists and checks the numbers.
   *
   * @param runs the run directories, in the order to show them
   * @param slos extra SLOs to check against each run
   * @param maxPoints points one HTML chart may hold before it aggregates or samples
   */
  public ReportRequest {
    runs = List.copyOf(Objects.requireNonNull(runs, "runs"));
    slos = List.copyOf(Objects.requireNonNull(slos, "slos"));
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("runs was '[]' but it must name at least one directory");
    }
    if (maxPoints < 100) {
      throw new IllegalArgumentException("maxPoints was '" + maxPoints + "' but it must be >= 100");
    }
  }
}
