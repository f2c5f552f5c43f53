package io.aiperf.api.spi;

import io.aiperf.api.BenchmarkResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Writes a result somewhere: the console table, AIPerf's JSON file, ...
 *
 * @since 0.1.0
 */
public interface ExporterProvider extends Plugin {
  /**
   * Writes the result.
   *
   * @param result the result
   * @param context where to write
   * @throws IOException if writing fails; the message names the file
   */
  void export(BenchmarkResult result, Context context) throws IOException;

  /**
   * Where exporters write.
   *
   * @param artifactDir the directory for files, if any
   * @param console where console output goes; empty for standard output
   * @since 0.1.0
   */
  record Context(Optional<Path> artifactDir, Optional<PrintWriter> console) {}
}
