package io.aiperf.cli.config;

import java.util.List;

/** A configuration file that cannot be used, with every problem found in it. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(problems.isEmpty() ? "invalid configuration" : problems.get(0).toString());
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in the order found. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}
