package io.aiperf.api.spi;

import java.util.List;
import java.util.OptionalInt;

/**
 * One request's worth of input: the texts of the user message, the output length to ask for, and
 * when to send it.
 *
 * @param texts the prompt texts (one for chat; several for batched endpoints)
 * @param maxTokens the output tokens to ask for, 0 for no limit
 * @param delayMillis for a later turn of a session: how long after the previous turn's response it
 *     is sent; 0 for at once
 * @param timestampMillis for a trace: when to send it, in ms from the trace's origin; -1 for none
 * @since 0.1.0
 */
public record Turn(List<String> texts, int maxTokens, long delayMillis, long timestampMillis) {
  /** Copies the list and checks the values. */
  public Turn {
    texts = List.copyOf(texts);
    if (maxTokens < 0) {
      throw new IllegalArgumentException("maxTokens must be >= 0 but was " + maxTokens);
    }
    if (delayMillis < 0) {
      throw new IllegalArgumentException("delayMillis must be >= 0 but was " + delayMillis);
    }
  }

  /**
   * A turn sent as soon as it may be, with no timestamp.
   *
   * @param texts the prompt texts
   * @param maxTokens the output tokens to ask for, 0 for no limit
   */
  public Turn(List<String> texts, int maxTokens) {
    this(texts, maxTokens, 0, -1);
  }

  /**
   * Returns the requested output length.
   *
   * @return the tokens, empty for no limit
   */
  public OptionalInt maxTokensIfSet() {
    return maxTokens == 0 ? OptionalInt.empty() : OptionalInt.of(maxTokens);
  }

  /**
   * Tells whether the turn has a trace timestamp.
   *
   * @return true for a timestamped turn
   */
  public boolean hasTimestamp() {
    return timestampMillis >= 0;
  }
}
