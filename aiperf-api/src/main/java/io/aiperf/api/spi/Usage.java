package io.aiperf.api.spi;

/**
 * Token usage as a server reports it; any field may be absent ({@code -1}).
 *
 * @param promptTokens prompt tokens, or -1
 * @param completionTokens completion tokens (reasoning included), or -1
 * @param totalTokens total tokens, or -1
 * @param reasoningTokens reasoning tokens, or -1
 * @since 0.1.0
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens,
    long reasoningTokens) {}
