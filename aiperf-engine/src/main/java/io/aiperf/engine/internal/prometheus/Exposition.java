package io.aiperf.engine.internal.prometheus;

import java.util.List;
import java.util.Optional;

/**
 * A parsed page. Every line is counted once: blank, a comment, a metadata line (HELP, TYPE,
 * UNIT, EOF), a sample, or skipped because it is malformed.
 *
 * @param families the metric families with at least one sample, in page order
 * @param lines every line of the page
 * @param blankLines empty or whitespace-only lines
 * @param commentLines comments that are not metadata
 * @param metadataLines HELP, TYPE, UNIT and EOF lines
 * @param sampleLines lines that gave a sample
 * @param skippedLines malformed lines, skipped
 * @param problems the first few skipped lines, each with its line number and what was wrong
 */
public record Exposition(List<MetricFamily> families, int lines, int blankLines,
    int commentLines, int metadataLines, int sampleLines, int skippedLines,
    List<String> problems) {
  /** Copies the lists. */
  public Exposition {
    families = List.copyOf(families);
    problems = List.copyOf(problems);
  }

  /**
   * Whether this looks like no Prometheus page at all (an HTML error page, JSON): something was
   * there, and not one line of it was a sample.
   *
   * @return true when there were malformed lines and no sample
   */
  public boolean notPrometheus() {
    return sampleLines == 0 && skippedLines > 0;
  }

  /**
   * A family by name.
   *
   * @param name the family name (a counter's without {@code _total})
   * @return the family
   */
  public Optional<MetricFamily> family(String name) {
    return families.stream().filter(f -> f.name().equals(name)).findFirst();
  }
}
