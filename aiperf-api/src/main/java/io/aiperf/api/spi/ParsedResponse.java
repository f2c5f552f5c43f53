package io.aiperf.api.spi;

import org.jspecify.annotations.Nullable;

/**
 * What one response (or one streamed event) carries.
 *
 * @param content generated output text, or {@code null}
 * @param reasoning generated reasoning text, or {@code null}
 * @param usage server-reported token usage, or {@code null}
 * @since 0.1.0
 */
public record ParsedResponse(@Nullable String content, @Nullable String reasoning,
    @Nullable Usage usage) {
  /**
   * Tells whether this response carries generated text; usage-only chunks do not, and do not count
   * for timing.
   *
   * @return true when content or reasoning is non-empty
   */
  public boolean hasData() {
    return (content != null && !content.isEmpty()) || (reasoning != null && !reasoning.isEmpty());
  }
}
