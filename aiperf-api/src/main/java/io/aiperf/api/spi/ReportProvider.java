package io.aiperf.api.spi;

import io.aiperf.api.ReportOutput;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Draws the charts and writes the HTML report of {@link io.aiperf.api.Reports}; aiperf-report
 * provides the default, named {@code default}. The best provider (highest priority) is used.
 *
 * <pre>{@code
 * ReportOutput out = Plugins.select(ReportProvider.class, null)
 *     .writePngs(new ReportRequest(List.of(Path.of("run")), List.of(), 5000), Path.of("plots"));
 * }</pre>
 *
 * @since 0.1.0
 */
public interface ReportProvider extends Plugin {
  /**
   * Writes one PNG file per chart.
   *
   * @param request the runs and options
   * @param outputDir the directory for the files
   * @return the files written and the notes on the input
   * @throws IOException if a file cannot be written
   */
  ReportOutput writePngs(ReportRequest request, Path outputDir) throws IOException;

  /**
   * Writes the single-file HTML report.
   *
   * @param request the runs and options
   * @param file the HTML file
   * @return the file written and the notes on the input
   * @throws IOException if the file cannot be written
   */
  ReportOutput writeHtml(ReportRequest request, Path file) throws IOException;
}
