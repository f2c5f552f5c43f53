package io.aiperf.api;

import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.ReportProvider;
import io.aiperf.api.spi.ReportRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Charts and a single-file HTML report from the export files of finished runs: runs made by
 * aiperf-java and by AIPerf 0.13 alike, one run or several side by side. The work is done by a
 * {@link ReportProvider} found with {@link java.util.ServiceLoader}; add {@code aiperf-report} to
 * the class path for the built-in one.
 *
 * <pre>{@code
 * ReportOutput pngs = Reports.of(Path.of("artifacts/run1")).writePngs(Path.of("plots"));
 * ReportOutput html = Reports.of(Path.of("artifacts/c8"), Path.of("artifacts/c32"))
 *     .slos(List.of(Slo.parse("time_to_first_token.p99<200ms")))
 *     .writeHtml(Path.of("report.html"));
 * html.notes().forEach(System.err::println); // what could not be read, and why
 * }</pre>
 *
 * <p>A directory without exports, a file of an unknown schema version or a run without a
 * successful request does not fail the call: the charts of whatever could be read are written, and
 * {@link ReportOutput#notes()} names each file that was skipped and why.
 *
 * @since 0.1.0
 */
public final class Reports {
  /** Points one chart of the HTML report shows before it aggregates or samples (default). */
  public static final int DEFAULT_MAX_POINTS = 5_000;

  private final List<Path> runs;
  private final List<Slo> slos = new ArrayList<>();
  private int maxPoints = DEFAULT_MAX_POINTS;

  private Reports(List<Path> runs) {
    this.runs = List.copyOf(runs);
  }

  /**
   * Starts a report over run directories (each holding a run's export files).
   *
   * @param runDirs the run directories, at least one
   * @return a report to write
   * @throws IllegalArgumentException if no directory is given
   */
  public static Reports of(Path... runDirs) {
    return of(Arrays.asList(Objects.requireNonNull(runDirs, "runDirs")));
  }

  /**
   * Starts a report over run directories (each holding a run's export files).
   *
   * @param runDirs the run directories, at least one
   * @return a report to write
   * @throws IllegalArgumentException if the list is empty
   */
  public static Reports of(List<Path> runDirs) {
    Objects.requireNonNull(runDirs, "runDirs");
    runDirs.forEach(d -> Objects.requireNonNull(d, "runDirs element"));
    if (runDirs.isEmpty()) {
      throw new IllegalArgumentException("runDirs was '[]' but it must name at least one run"
          + " directory");
    }
    return new Reports(runDirs);
  }

  /**
   * Adds SLOs to check against each run and show in the report, next to those the run was made
   * with ({@code --slo} on its recorded command line) and its goodput thresholds.
   *
   * @param objectives the SLOs
   * @return this
   */
  public Reports slos(List<Slo> objectives) {
    Objects.requireNonNull(objectives, "objectives").forEach(s -> slos.add(
        Objects.requireNonNull(s, "objectives element")));
    return this;
  }

  /**
   * Sets how many points one chart of the HTML report may hold; above it, per-request charts are
   * aggregated per time window or evenly sampled (the page says which).
   *
   * @param points at least 100
   * @return this
   * @throws IllegalArgumentException if {@code points} is below 100
   */
  public Reports maxPoints(int points) {
    if (points < 100) {
      throw new IllegalArgumentException("maxPoints was '" + points + "' but it must be >= 100");
    }
    this.maxPoints = points;
    return this;
  }

  /**
   * Writes one PNG file per chart; with several runs, each run's charts go into a subdirectory
   * named after the run and the comparisons (Pareto fronts) into {@code outputDir} itself.
   *
   * @param outputDir the directory for the PNG files; created when missing
   * @return the files written and the notes on what could not be read
   * @throws IOException if a file cannot be written
   */
  public ReportOutput writePngs(Path outputDir) throws IOException {
    Objects.requireNonNull(outputDir, "outputDir");
    return provider().writePngs(request(), outputDir);
  }

  /**
   * Writes the single-file HTML report: interactive charts, configuration, error summary, SLO
   * results and warnings of every run, viewable offline (script, style and data are inlined).
   *
   * @param file the HTML file; its directory is created when missing
   * @return the file written and the notes on what could not be read
   * @throws IOException if the file cannot be written
   */
  public ReportOutput writeHtml(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    return provider().writeHtml(request(), file);
  }

  private ReportRequest request() {
    return new ReportRequest(runs, slos, maxPoints);
  }

  private static ReportProvider provider() {
    return Plugins.select(ReportProvider.class, null);
  }
}
