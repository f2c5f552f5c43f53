package io.aiperf.api;

import java.util.List;

/**
 * Thrown by {@link Benchmark.Builder#build()} when the configuration is invalid. The message has one
 * line per problem, so a user fixes them all at once rather than one per run.
 *
 * @since 0.1.0
 */
public final class InvalidBenchmarkConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  /** @serial the problems found, one sentence each, never empty */
  private final List<String> problems;

  /**
   * Creates the exception from the list of problems found.
   *
   * @param problems one human-readable sentence per problem, never empty
   */
  public InvalidBenchmarkConfigException(List<String> problems) {
    super("Invalid benchmark configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /**
   * Returns every problem found, one sentence each.
   *
   * @return the problems, in the order they were found
   */
  public List<String> problems() {
    return problems;
  }
}
