package io.aiperf.api.spi;

import java.util.List;
import java.util.OptionalInt;

/**
 * One request's worth of input: the texts of the user message and the output length to ask for.
 *
 * @param texts the prompt texts (one for chat; several for batched endpoints)
 * @param maxTokens the output tokens to ask for, 0 for no limit
 * @since 0.1.0
 */
public record Turn(List<String> texts, int maxTokens) {
  /** Copies the list. */
  public Turn {
    texts = List.copyOf(texts);
    if (maxTokens < 0) {
      throw new IllegalArgumentException("maxTokens must be >= 0 but was " + maxTokens);
    }
  }

  /**
   * Returns the requested output length.
   *
   * @return the tokens, empty for no limit
   */
  public OptionalInt maxTokensIfSet() {
    return maxTokens == 0 ? OptionalInt.empty() : OptionalInt.of(maxTokens);
  }
}
