package io.aiperf.cli.config;

import java.nio.file.Path;

/**
 * One thing wrong with a configuration file, with the place it was written.
 *
 * @param file the file
 * @param mark where: line and column, {@link Node.Mark#NONE} when the file as a whole
 * @param key the key's path, e.g. {@code benchmark.phases[1].concurrency}, or empty
 * @param message what is wrong and what would be valid
 */
public record ConfigProblem(Path file, Node.Mark mark, String key, String message) {
  /** {@code FILE:LINE:COLUMN: KEY: message}, the way compilers name a place. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(file.toString());
    if (mark.line() > 0) {
      b.append(':').append(mark.line()).append(':').append(mark.column());
    }
    b.append(": ");
    if (!key.isEmpty()) {
      b.append(key).append(": ");
    }
    return b.append(message).toString();
  }
}
