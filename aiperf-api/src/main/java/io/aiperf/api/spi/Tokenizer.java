package io.aiperf.api.spi;

/**
 * Counts and produces tokens. Implementations are thread-safe.
 *
 * @since 0.1.0
 */
public interface Tokenizer {
  /**
   * Returns the tokenizer's name.
   *
   * @return e.g. {@code o200k_base}
   */
  String name();

  /**
   * Encodes text without special tokens.
   *
   * @param text the text
   * @return the token ids
   */
  int[] encode(String text);

  /**
   * Counts the tokens of a text, without special tokens.
   *
   * @param text the text
   * @return the token count
   */
  default int count(String text) {
    return encode(text).length;
  }

  /**
   * Decodes token ids to text.
   *
   * @param tokens the ids
   * @return the text
   */
  String decode(int[] tokens);

  /**
   * Returns the size of the vocabulary.
   *
   * @return the number of token ids
   */
  int vocabularySize();
}
