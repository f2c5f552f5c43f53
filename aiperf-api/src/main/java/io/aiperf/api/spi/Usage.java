package io.aiperf.api.spi;

/**
 * Token usage as a server reports it; any field may be absent ({@code -1}).
 *
 * <pre>{@code
 * Usage u = new Usage(120, 40, 160, -1);
 * }</pre>
 *
 * @param promptTokens prompt tokens, or -1; for servers that report cached input apart
 *     (Anthropic's {@code input_tokens} beside {@code cache_read_input_tokens} and
 *     {@code cache_creation_input_tokens}) the whole prompt, cache included, as AIPerf counts it
 * @param completionTokens completion tokens (reasoning included), or -1
 * @param totalTokens total tokens, or -1
 * @param reasoningTokens reasoning tokens, or -1
 * @param cacheReadTokens prompt tokens read from the server's prompt cache
 *     ({@code prompt_tokens_details.cached_tokens}, {@code cache_read_input_tokens},
 *     {@code prompt_cache_hit_tokens}, ...), or -1
 * @param cacheWriteTokens prompt tokens written to the prompt cache
 *     ({@code cache_creation_input_tokens}), or -1
 * @param cacheMissTokens prompt tokens that missed the cache ({@code prompt_cache_miss_tokens}),
 *     or -1
 * @since 0.1.0
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens,
    long reasoningTokens, long cacheReadTokens, long cacheWriteTokens, long cacheMissTokens) {
  /**
   * Usage without prompt-cache counts.
   *
   * @param promptTokens prompt tokens, or -1
   * @param completionTokens completion tokens (reasoning included), or -1
   * @param totalTokens total tokens, or -1
   * @param reasoningTokens reasoning tokens, or -1
   */
  public Usage(long promptTokens, long completionTokens, long totalTokens, long reasoningTokens) {
    this(promptTokens, completionTokens, totalTokens, reasoningTokens, -1, -1, -1);
  }
}
