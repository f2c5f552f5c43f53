package io.aiperf.engine.internal.export;

import io.aiperf.api.BenchmarkResult;

/** Lets tests outside this package render the console output. */
public final class ConsoleAccess {
  private ConsoleAccess() {}

  /**
   * The console's tables, warnings and footer.
   *
   * @param result the result
   * @return the text
   */
  public static String render(BenchmarkResult result) {
    return ConsoleExporter.render(result);
  }
}
