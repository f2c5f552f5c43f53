package io.aiperf.engine.internal.prometheus;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** A metric family's type, as a {@code # TYPE} line names it; the samples it may hold follow. */
public enum MetricType {
  /** Only goes up; samples {@code <name>_total} (or the bare name in the classic format). */
  COUNTER(List.of("_total", "_created")),
  /** Any value. */
  GAUGE(List.of()),
  /** Cumulative buckets ({@code le}), sum and count. */
  HISTOGRAM(List.of("_bucket", "_sum", "_count", "_created")),
  /** OpenMetrics: a histogram whose buckets may go down. */
  GAUGE_HISTOGRAM(List.of("_bucket", "_gsum", "_gcount")),
  /** Client-side quantiles ({@code quantile}), sum and count. */
  SUMMARY(List.of("_sum", "_count", "_created")),
  /** OpenMetrics: labels describing the target; value 1. */
  INFO(List.of("_info")),
  /** OpenMetrics: one series per state, 1 for the current one. */
  STATESET(List.of()),
  /** {@code untyped} (classic) or {@code unknown} (OpenMetrics), and samples with no TYPE. */
  UNKNOWN(List.of());

  private final List<String> suffixes;

  MetricType(List<String> suffixes) {
    this.suffixes = suffixes;
  }

  /**
   * Whether a sample of this name belongs to a family of this type named {@code family}.
   *
   * @param family the family's name
   * @param sample the sample's name
   * @return true for the bare name or the name plus one of this type's suffixes
   */
  boolean accepts(String family, String sample) {
    if (sample.equals(family)) {
      return true;
    }
    if (!sample.startsWith(family)) {
      return false;
    }
    for (String s : suffixes) {
      if (sample.length() == family.length() + s.length() && sample.endsWith(s)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The suffixes a sample of this type may add to its family's name.
   *
   * @return the suffixes
   */
  List<String> suffixes() {
    return suffixes;
  }

  /**
   * The type a {@code # TYPE} line names.
   *
   * @param token the word after the metric name
   * @return the type, null when the word names none
   */
  static @Nullable MetricType of(String token) {
    return switch (token.toLowerCase(Locale.ROOT)) {
      case "counter" -> COUNTER;
      case "gauge" -> GAUGE;
      case "histogram" -> HISTOGRAM;
      case "gaugehistogram" -> GAUGE_HISTOGRAM;
      case "summary" -> SUMMARY;
      case "info" -> INFO;
      case "stateset" -> STATESET;
      case "untyped", "unknown" -> UNKNOWN;
      default -> null;
    };
  }

  /**
   * The name AIPerf's exports use for this type ({@code PrometheusMetricType}).
   *
   * @return e.g. {@code counter}, {@code unknown}
   */
  public String aiperfName() {
    return switch (this) {
      case GAUGE_HISTOGRAM -> "gaugehistogram";
      default -> name().toLowerCase(Locale.ROOT);
    };
  }
}
