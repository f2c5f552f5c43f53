package io.aiperf.api.spi;

import io.aiperf.api.EndpointConfig;
import org.jspecify.annotations.Nullable;

/**
 * An API format: how to write a request body and read a response. Its {@link #name()} is the
 * endpoint type (AIPerf's {@code --endpoint-type}).
 *
 * @since 0.1.0
 */
public interface EndpointProvider extends Plugin {
  /**
   * Returns the request path used unless the user sets one.
   *
   * @return e.g. {@code /v1/chat/completions}
   */
  String defaultPath();

  /**
   * Returns the request path used unless the user sets one, for a streaming or a whole response.
   * Most APIs use one path for both; Hugging Face TGI streams from {@code /generate_stream}.
   *
   * @param streaming whether the run streams
   * @return the path; {@link #defaultPath()} unless overridden
   * @since 0.1.0
   */
  default String defaultPath(boolean streaming) {
    return defaultPath();
  }

  /**
   * Returns the headers this format sends with every request besides the user's own, secrets
   * included: by default {@code Authorization: Bearer <key>} when an API key is set. A format
   * that authenticates differently (Anthropic's {@code x-api-key}) or needs a version header
   * overrides this. The engine redacts header values in everything it writes; never log them.
   *
   * @param config the endpoint configuration (its API key and the user's headers)
   * @return the headers, in sending order; empty for none
   * @since 0.1.0
   */
  default java.util.Map<String, String> headers(EndpointConfig config) {
    return config.apiKey().map(k -> java.util.Map.of("Authorization", "Bearer " + k))
        .orElse(java.util.Map.of());
  }

  /**
   * Returns whether this API can stream its responses.
   *
   * @return true if {@code streaming(true)} is honoured
   */
  boolean supportsStreaming();

  /**
   * Returns whether responses carry generated tokens (false for embeddings and rankings).
   *
   * @return true for generative endpoints
   */
  default boolean producesTokens() {
    return true;
  }

  /**
   * Returns the console table's title for this kind of endpoint.
   *
   * @return e.g. {@code LLM Metrics}
   */
  default String metricsTitle() {
    return "LLM Metrics";
  }

  /**
   * Binds the format to one configuration.
   *
   * @param config the endpoint configuration
   * @return the endpoint
   */
  Endpoint create(EndpointConfig config);

  /**
   * A format bound to one configuration. Thread-safe.
   *
   * @since 0.1.0
   */
  interface Endpoint {
    /**
     * Writes the request body of one turn. Called before the run, never on the send path.
     *
     * @param turn the turn
     * @param streaming whether to ask for a stream
     * @return the body bytes (UTF-8 JSON for OpenAI-style APIs)
     */
    byte[] formatRequest(Turn turn, boolean streaming);

    /**
     * Writes the request body of a later turn of a session: the history (earlier user turns and
     * the server's real replies) then this turn. Formats without a message list join the history
     * into the prompt.
     *
     * @param history earlier messages, oldest first
     * @param turn this turn
     * @param streaming whether to ask for a stream
     * @return the body bytes
     */
    default byte[] formatRequest(java.util.List<ChatMessage> history, Turn turn,
        boolean streaming) {
      if (history.isEmpty()) {
        return formatRequest(turn, streaming);
      }
      StringBuilder joined = new StringBuilder();
      for (ChatMessage m : history) {
        joined.append(m.content()).append('\n');
      }
      joined.append(String.join(" ", turn.texts()));
      return formatRequest(new Turn(java.util.List.of(joined.toString()), turn.maxTokens(),
          turn.delayMillis(), turn.timestampMillis()), streaming);
    }

    /**
     * Turns the server's reply to one turn into the history messages a later turn of its session
     * resends (AIPerf's captured assistant turn). By default one {@code assistant} text message:
     * each response's content, or its reasoning when it has no content, joined; none when the
     * reply has no text. A format whose replies carry more than text (tool calls, thinking
     * blocks) overrides this to keep them whole in {@link ChatMessage#message()}. Called after the
     * turn ended, never on the send path.
     *
     * @param responses the whole body, or the data of each server-sent event, in order
     * @return the messages, oldest first; empty for none
     * @since 0.1.0
     */
    default java.util.List<ChatMessage> replyMessages(java.util.List<byte[]> responses) {
      StringBuilder text = new StringBuilder();
      for (byte[] r : responses) {
        ParsedResponse parsed;
        try {
          parsed = parse(r, 0, r.length);
        } catch (IllegalArgumentException notAnAnswer) {
          continue; // errors and odd events carry no reply text
        }
        if (parsed == null) {
          continue;
        }
        String content = parsed.content();
        String reasoning = parsed.reasoning();
        if (content != null && !content.isEmpty()) {
          text.append(content);
        } else if (reasoning != null) {
          text.append(reasoning);
        }
      }
      return text.length() == 0 ? java.util.List.of()
          : java.util.List.of(new ChatMessage("assistant", text.toString()));
    }

    /**
     * Writes a turn's request as AIPerf's {@code inputs.json} holds it: by default the body
     * itself. A format whose body is not JSON (multipart uploads) returns the JSON form AIPerf
     * writes there instead (files as {@code {"b64_data", "filename", "content_type"}}).
     *
     * @param turn the turn
     * @param streaming whether the run streams
     * @return UTF-8 JSON
     * @since 0.1.0
     */
    default byte[] exportPayload(Turn turn, boolean streaming) {
      return formatRequest(turn, streaming);
    }

    /**
     * Reads one response: a whole body, or the data of one server-sent event.
     *
     * @param data the bytes
     * @param offset where the response starts
     * @param length its length
     * @return what it carries, or {@code null} when it carries nothing (e.g. {@code [DONE]})
     * @throws IllegalArgumentException if the bytes are not a response of this format; the message
     *     says what was expected
     */
    @Nullable ParsedResponse parse(byte[] data, int offset, int length);
  }
}
