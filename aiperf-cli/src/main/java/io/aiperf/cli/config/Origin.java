package io.aiperf.cli.config;

import java.nio.file.Path;

/**
 * Where a flag's value came from in a configuration file.
 *
 * @param file the file
 * @param mark the line and column of the value
 * @param key the key's path
 */
public record Origin(Path file, Node.Mark mark, String key) {
  /** {@code KEY (FILE:LINE)}. */
  @Override
  public String toString() {
    return key + " (" + file + (mark.line() > 0 ? ":" + mark.line() : "") + ")";
  }
}
