package io.aiperf.api;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A service-level objective on one statistic of one metric, e.g. "TTFT p99 under 200 ms". Checked
 * against a result with {@link BenchmarkResult#check(java.util.List)}; the CLI takes them as
 * {@code --slo "time_to_first_token.p99<200ms"} and exits 3 when one is broken.
 *
 * <pre>{@code
 * List<SloViolation> broken = result.check(List.of(
 *     Slo.parse("time_to_first_token.p99<200ms"),
 *     Slo.parse("output_token_throughput>=1000")));
 * }</pre>
 *
 * @param metric the metric tag
 * @param statistic the statistic compared
 * @param comparison how the measured value must compare to the threshold
 * @param threshold the threshold, in the metric's display unit
 * @since 0.1.0
 */
public record Slo(MetricTag metric, Statistic statistic, Comparison comparison, double threshold) {
  private static final Pattern SPEC = Pattern.compile(
      "\\s*([a-z0-9_]+)(?:\\.([a-z0-9]+))?\\s*(<=|>=|<|>)\\s*([-+0-9.eE]+)\\s*(ms|s|%)?\\s*");

  /**
   * Validates the fields.
   *
   * @param metric the metric tag
   * @param statistic the statistic compared
   * @param comparison how the measured value must compare to the threshold
   * @param threshold the threshold, in the metric's display unit
   */
  public Slo {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(statistic, "statistic");
    Objects.requireNonNull(comparison, "comparison");
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold was '" + threshold + "' but it must be finite");
    }
  }

  /** How a measured value must compare to the threshold. */
  public enum Comparison {
    /** Strictly below. */
    LESS("<"),
    /** Below or equal. */
    LESS_OR_EQUAL("<="),
    /** Strictly above. */
    GREATER(">"),
    /** Above or equal. */
    GREATER_OR_EQUAL(">=");

    private final String symbol;

    Comparison(String symbol) {
      this.symbol = symbol;
    }

    /**
     * Returns the symbol.
     *
     * @return e.g. {@code <=}
     */
    public String symbol() {
      return symbol;
    }

    boolean holds(double measured, double threshold) {
      return switch (this) {
        case LESS -> measured < threshold;
        case LESS_OR_EQUAL -> measured <= threshold;
        case GREATER -> measured > threshold;
        case GREATER_OR_EQUAL -> measured >= threshold;
      };
    }
  }

  /**
   * Parses {@code metric[.stat]<op><number>[unit]}: the statistic defaults to {@code avg}, the
   * operator is one of {@code < <= > >=}, and a unit of {@code ms} or {@code s} is converted to the
   * milliseconds latencies are reported in.
   *
   * @param spec e.g. {@code time_to_first_token.p99<200ms} or {@code request_throughput>=50}
   * @return the SLO
   * @throws IllegalArgumentException naming the text and what would be valid
   */
  public static Slo parse(String spec) {
    Matcher m = SPEC.matcher(Objects.requireNonNull(spec, "spec"));
    if (!m.matches()) {
      throw new IllegalArgumentException("SLO was '" + spec + "' but it must look like"
          + " 'metric.stat<number[unit]>', e.g. time_to_first_token.p99<200ms");
    }
    Statistic stat = Statistic.AVG;
    if (m.group(2) != null) {
      stat = null;
      for (Statistic s : Statistic.values()) {
        if (s.key().equals(m.group(2).toLowerCase(Locale.ROOT))) {
          stat = s;
        }
      }
      if (stat == null) {
        throw new IllegalArgumentException("SLO was '" + spec + "' but '" + m.group(2)
            + "' is not a statistic; use avg, min, max, std, p1, p5, p10, p25, p50, p75, p90,"
            + " p95 or p99");
      }
    }
    Comparison comparison = switch (m.group(3)) {
      case "<" -> Comparison.LESS;
      case "<=" -> Comparison.LESS_OR_EQUAL;
      case ">" -> Comparison.GREATER;
      default -> Comparison.GREATER_OR_EQUAL;
    };
    double value;
    try {
      value = Double.parseDouble(m.group(4));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SLO was '" + spec + "' but '" + m.group(4)
          + "' is not a number");
    }
    if ("s".equals(m.group(5))) {
      value *= 1000; // latencies are reported in ms
    }
    return new Slo(new MetricTag(m.group(1)), stat, comparison, value);
  }

  /**
   * Checks the SLO against a result.
   *
   * @param result the result
   * @return the violation, or {@code null} when the SLO holds
   */
  @Nullable SloViolation check(BenchmarkResult result) {
    var found = result.find(metric);
    if (found.isEmpty()) {
      return new SloViolation(this, Double.NaN, "no '" + metric + "' in this run");
    }
    double measured = found.get().get(statistic);
    if (comparison.holds(measured, threshold)) {
      return null;
    }
    return new SloViolation(this, measured, String.format(Locale.ROOT,
        "%s %s was %.3f %s, not %s %s", metric, statistic.key(), measured, found.get().unit(),
        comparison.symbol(), threshold));
  }

  @Override
  public String toString() {
    return metric + "." + statistic.key() + comparison.symbol() + threshold;
  }
}
