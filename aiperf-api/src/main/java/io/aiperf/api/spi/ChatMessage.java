package io.aiperf.api.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One message of a conversation's history, as a multi-turn session resends it.
 *
 * <p>A message that carries more than text (an assistant's {@code tool_calls}, a {@code tool}
 * result with its {@code tool_call_id}, Anthropic {@code tool_use} and {@code thinking} blocks, a
 * Responses API {@code function_call} item) also holds its whole object in {@link #message()}:
 * formats with a message list send that object as it is, as AIPerf replays them; formats without
 * one use {@link #content()}.
 *
 * <pre>{@code
 * ChatMessage said = new ChatMessage("assistant", "Hello");
 * ChatMessage call = new ChatMessage("assistant", "get_weather{\"city\":\"Oslo\"}",
 *     "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[...]}");
 * }</pre>
 *
 * @param role {@code user}, {@code assistant}, {@code tool}, ...
 * @param content the text (for a structured message, the text it stands for: prose, then tool
 *     names and arguments, as they are counted)
 * @param message the whole message as JSON text of an object, sent as it is by formats with a
 *     message list, or null to send {@code {role, content}}
 * @since 0.1.0
 */
public record ChatMessage(String role, String content, @Nullable String message) {
  /**
   * Checks the fields.
   *
   * @param role {@code user}, {@code assistant}, {@code tool}, ...
   * @param content the text
   * @param message the whole message as JSON text, or null
   */
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  /**
   * A text message.
   *
   * @param role {@code user} or {@code assistant}
   * @param content the text
   */
  public ChatMessage(String role, String content) {
    this(role, content, null);
  }
}
