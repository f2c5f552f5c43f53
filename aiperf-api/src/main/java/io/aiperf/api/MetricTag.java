package io.aiperf.api;

import java.util.Objects;

/**
 * Identifies a metric by its AIPerf tag, e.g. {@code time_to_first_token}. The common ones are
 * constants in {@link Metrics}; plugins may define more.
 *
 * @param tag the tag as it appears in AIPerf's export files
 * @since 0.1.0
 */
public record MetricTag(String tag) {
  /**
   * Creates a tag.
   *
   * @param tag the tag, lower snake case
   */
  public MetricTag {
    Objects.requireNonNull(tag, "tag");
  }

  @Override
  public String toString() {
    return tag;
  }
}
