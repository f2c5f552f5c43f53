package io.aiperf.api.spi;

import java.util.Objects;

/**
 * One message of a conversation's history, as a multi-turn session resends it.
 *
 * @param role {@code user} or {@code assistant}
 * @param content the text
 * @since 0.1.0
 */
public record ChatMessage(String role, String content) {
  /**
   * Checks the fields.
   *
   * @param role {@code user} or {@code assistant}
   * @param content the text
   */
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }
}
