package io.aiperf.engine.internal.service;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * AIPerf 0.13's test for a context-overflow error (its {@code is_context_overflow_response}): the
 * error's text holds one of a few phrases servers use when a prompt plus the asked output exceed
 * the model's context, in any case. vLLM says "This model's maximum context length is ...",
 * OpenAI {@code context_length_exceeded}, Anthropic "prompt is too long". The JSON of an OpenAI
 * error body holds its message, so matching the whole text covers its nested message too.
 */
final class ContextOverflow {
  /** AIPerf's default allowlist ({@code AIPERF_AGENTX_CONTEXT_OVERFLOW_SUBSTRINGS}). */
  static final List<String> PHRASES = List.of("context length", "maximum context",
      "context_length_exceeded", "prompt is too long");

  private ContextOverflow() {}

  /**
   * Tells whether an error message reports a context overflow.
   *
   * @param message the error's message (the server's body or its message), or null
   * @return true when one of the phrases appears, in any case
   */
  static boolean matches(@Nullable String message) {
    if (message == null || message.isEmpty()) {
      return false;
    }
    String lower = message.toLowerCase(Locale.ROOT);
    for (String phrase : PHRASES) {
      if (lower.contains(phrase)) {
        return true;
      }
    }
    return false;
  }
}
