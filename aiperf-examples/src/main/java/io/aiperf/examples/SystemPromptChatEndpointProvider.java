package io.aiperf.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A custom endpoint plugin: OpenAI chat with a fixed system prompt in front of every request.
 * Registered in {@code META-INF/services/io.aiperf.api.spi.EndpointProvider}, it becomes the
 * endpoint type {@code chat-with-system} ({@code Endpoints.of("chat-with-system", url)}, or
 * {@code --endpoint-type chat-with-system} on the CLI).
 */
public final class SystemPromptChatEndpointProvider implements EndpointProvider {
  /** The system prompt sent first. */
  public static final String SYSTEM_PROMPT = "You are a concise assistant.";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "chat-with-system";
  }

  @Override
  public String description() {
    return "Example plugin: OpenAI chat with a fixed system prompt";
  }

  @Override
  public String defaultPath() {
    return "/v1/chat/completions";
  }

  @Override
  public boolean supportsStreaming() {
    return true;
  }

  @Override
  public Endpoint create(EndpointConfig config) {
    return new Endpoint() {
      @Override
      public byte[] formatRequest(Turn turn, boolean streaming) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
        messages.addObject().put("role", "user").put("content", String.join(" ", turn.texts()));
        body.put("model", config.model().orElseThrow());
        body.put("stream", streaming);
        if (turn.maxTokens() > 0) {
          body.put("max_completion_tokens", turn.maxTokens());
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
        String text = new String(data, offset, length, StandardCharsets.UTF_8).strip();
        if (text.isEmpty() || text.equals("[DONE]")) {
          return null;
        }
        JsonNode root;
        try {
          root = JSON.readTree(text);
        } catch (IOException e) {
          throw new IllegalArgumentException("Not a chat response: " + e.getMessage());
        }
        JsonNode choice = root.path("choices").path(0);
        JsonNode message = choice.has("delta") ? choice.get("delta") : choice.path("message");
        JsonNode content = message.get("content");
        return new ParsedResponse(content == null || content.isNull() ? null : content.asText(),
            null, null);
      }
    };
  }

}
