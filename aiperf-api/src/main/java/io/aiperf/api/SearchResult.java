package io.aiperf.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of a {@link SearchPlan}: the highest load that met the objectives, the interval the
 * true limit lies in, and every point tried.
 *
 * <pre>{@code
 * SearchResult r = Benchmark.search(config).requestRate(5, 500).ttft(Duration.ofMillis(200)).run();
 * if (r.outcome() == SearchResult.Outcome.FOUND) {
 *   System.out.printf("%.1f req/s (limit in [%.1f, %.1f])%n", r.answer(), r.lowerBound(), r.upperBound());
 * }
 * }</pre>
 *
 * @param dimension what was searched
 * @param outcome how the search ended
 * @param answer the highest load verified to meet the objectives; NaN when none did
 * @param lowerBound the highest load that met the objectives (the answer); NaN when none did
 * @param upperBound the lowest load above it that failed them; infinite when none did
 * @param message a plain sentence saying what was found, or why not
 * @param points every load tried, in the order tried
 * @param cost what the answer's runs cost, when a GPU price was given
 * @param artifactDir the directory holding every run and the search files, if any
 * @since 0.1.0
 */
public record SearchResult(SearchPlan.Dimension dimension, Outcome outcome, double answer,
    double lowerBound, double upperBound, String message, List<SearchPoint> points,
    Optional<Cost> cost, Optional<Path> artifactDir) {

  /** How a search ended. */
  public enum Outcome {
    /** The limit lies between two measured loads, within the asked precision. */
    FOUND,
    /** The objectives failed already at the lowest load. */
    NEVER_MET,
    /** The objectives held up to the highest load. */
    ALWAYS_MET,
    /** The client could not send a load the server still handled; the answer is a lower bound. */
    CLIENT_LIMITED,
    /** The search ran out of points before reaching the precision; the interval is wider. */
    INCOMPLETE
  }

  /**
   * Copies the points.
   *
   * @param dimension what was searched
   * @param outcome how the search ended
   * @param answer the highest load verified to meet the objectives; NaN when none did
   * @param lowerBound the highest load that met the objectives; NaN when none did
   * @param upperBound the lowest load above it that failed them; infinite when none did
   * @param message a plain sentence saying what was found, or why not
   * @param points every load tried, in the order tried
   * @param cost what the answer's runs cost, when a GPU price was given
   * @param artifactDir the directory holding every run and the search files, if any
   */
  public SearchResult {
    Objects.requireNonNull(dimension, "dimension");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    points = List.copyOf(points);
    Objects.requireNonNull(cost, "cost");
    Objects.requireNonNull(artifactDir, "artifactDir");
  }

  /**
   * Returns the points no other point beats on both request throughput and p99 latency.
   *
   * @return the frontier, by load
   */
  public List<SearchPoint> paretoFrontier() {
    return points.stream().filter(SearchPoint::paretoOptimal)
        .sorted(java.util.Comparator.comparingDouble(SearchPoint::load)).toList();
  }

  /**
   * Tells whether the true limit lies in the reported interval.
   *
   * @param load a load
   * @return true when {@code lowerBound <= load <= upperBound}
   */
  public boolean intervalContains(double load) {
    return lowerBound <= load && load <= upperBound;
  }

  /**
   * Describes the answer and every point in a few lines, for a console or a failure message.
   *
   * @return the description
   */
  public String describe() {
    StringBuilder sb = new StringBuilder(message);
    for (SearchPoint p : points.stream()
        .sorted(java.util.Comparator.comparingDouble(SearchPoint::load)).toList()) {
      sb.append(String.format(Locale.ROOT, "%n  %s %-10s %-14s runs=%d%s", unit(p.load()),
          p.verdict(), p.goodFraction().map(e -> String.format(Locale.ROOT, "good=%.3f",
              e.mean())).orElse(""), p.runs().size(), p.reasons().isEmpty() ? ""
              : " (" + String.join("; ", p.reasons()) + ")"));
    }
    return sb.toString();
  }

  private String unit(double load) {
    return dimension == SearchPlan.Dimension.CONCURRENCY
        ? String.format(Locale.ROOT, "concurrency %5d", Math.round(load))
        : String.format(Locale.ROOT, "%8.2f req/s", load);
  }
}
