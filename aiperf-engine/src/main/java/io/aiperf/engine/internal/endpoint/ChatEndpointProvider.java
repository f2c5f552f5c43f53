package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.Media;
import io.aiperf.api.spi.Turn;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** OpenAI chat completions: {@code messages} in, {@code choices[0].message|delta} out. */
public final class ChatEndpointProvider implements EndpointProvider {
  @Override
  public String name() {
    return "chat";
  }

  @Override
  public String description() {
    return "OpenAI chat completions (/v1/chat/completions), streaming and not";
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
    return new Chat(config);
  }

  private static final class Chat extends OpenAiEndpoint {
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] MESSAGE = ascii("message");

    Chat(EndpointConfig config) {
      super(config);
    }

    @Override
    void putPrompt(ObjectNode body, Turn turn) {
      putPrompt(body, java.util.List.of(), turn);
    }

    @Override
    void putPrompt(ObjectNode body, java.util.List<io.aiperf.api.spi.ChatMessage> history,
        Turn turn) {
      ArrayNode messages = body.putArray("messages");
      // AIPerf puts the system prompt first, before any history.
      if (turn.systemPrompt() != null) {
        messages.addObject().put("role", "system").put("content", turn.systemPrompt());
      }
      for (var m : history) {
        messages.addObject().put("role", m.role()).put("content", m.content());
      }
      ObjectNode user = messages.addObject().put("role", "user");
      if (turn.texts().size() == 1 && turn.media().isEmpty()) {
        user.put("content", turn.texts().get(0));
      } else {
        // AIPerf's multimodal shape: text parts, then image_url parts, then input_audio parts.
        ArrayNode parts = user.putArray("content");
        for (String t : turn.texts()) {
          parts.addObject().put("type", "text").put("text", t);
        }
        for (Media m : turn.media()) {
          if (m.kind() == Media.Kind.IMAGE) {
            parts.addObject().put("type", "image_url").putObject("image_url")
                .put("url", m.data());
          }
        }
        for (Media m : turn.media()) {
          if (m.kind() == Media.Kind.AUDIO) {
            parts.addObject().put("type", "input_audio").putObject("input_audio")
                .put("data", m.data()).put("format", m.format());
          }
        }
      }
    }

    @Override
    String maxTokensField() {
      return config.useLegacyMaxTokens() ? "max_tokens" : "max_completion_tokens";
    }

    @Override
    @Nullable String readContent(JsonNode choice, @Nullable String[] reasoning) {
      JsonNode message = choice.has("delta") ? choice.get("delta") : choice.get("message");
      if (message == null || !message.isObject()) {
        return null;
      }
      String r = text(message.get("reasoning_content"));
      reasoning[0] = r != null ? r : text(message.get("reasoning"));
      return text(message.get("content"));
    }

    @Override
    void readChoice(JsonParser p, @Nullable String[] text) throws IOException, OnePass.NeedsTree {
      // A delta, when there is one, wins over a message wherever each stands in the choice.
      int seen = 0;
      for (String name = OnePass.nextField(p); name != null; name = OnePass.nextField(p)) {
        boolean delta = name.equals("delta");
        if (!delta && !name.equals("message")) {
          p.skipChildren();
          continue;
        }
        seen = OnePass.once(seen, delta ? 1 : 2);
        if (!delta && (seen & 1) != 0) {
          p.skipChildren();
        } else if (p.currentToken() == JsonToken.START_OBJECT) {
          readMessage(p, text);
        } else {
          // A delta or message that is no object has no text.
          text[0] = null;
          text[1] = null;
          p.skipChildren();
        }
      }
    }

    @Override
    void scanChoice(JsonBytes s, @Nullable String[] text) throws OnePass.NeedsTree {
      int seen = 0;
      for (boolean more = s.firstField(); more; more = s.nextField()) {
        boolean delta = s.nameIs(DELTA);
        if (!delta && !s.nameIs(MESSAGE)) {
          s.skipValue();
          continue;
        }
        seen = OnePass.once(seen, delta ? 1 : 2);
        // Both (the delta wins), or either not an object: rare, left to the other readings.
        if (seen == 3 || !s.atObject()) {
          throw new OnePass.NeedsTree();
        }
        scanMessage(s, text);
      }
    }
  }
}
