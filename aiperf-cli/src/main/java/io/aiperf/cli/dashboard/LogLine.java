package io.aiperf.cli.dashboard;

/**
 * One line of the dashboard's log tail.
 *
 * @param severity how it is shown
 * @param text the line, without a line break
 */
record LogLine(Severity severity, String text) {
  /** How a line is shown: warnings and errors stand out. */
  enum Severity { INFO, WARN, ERROR }
}
