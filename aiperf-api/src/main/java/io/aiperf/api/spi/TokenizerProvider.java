package io.aiperf.api.spi;

/**
 * Loads tokenizers by name, without network access.
 *
 * @since 0.1.0
 */
public interface TokenizerProvider extends Plugin {
  /**
   * Tells whether this provider can load a tokenizer.
   *
   * @param tokenizerName e.g. {@code o200k_base}
   * @return true if {@link #load} would succeed
   */
  boolean supports(String tokenizerName);

  /**
   * Loads a tokenizer.
   *
   * @param tokenizerName a name {@link #supports} accepted
   * @return the tokenizer
   */
  Tokenizer load(String tokenizerName);
}
