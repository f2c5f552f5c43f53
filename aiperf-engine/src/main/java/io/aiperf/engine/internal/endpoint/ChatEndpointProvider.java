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
      ArrayNode verbatim = Bodies.messages(turn);
      // AIPerf puts the system prompt first, before any history.
      if (turn.systemPrompt() != null) {
        JsonNode first = verbatim != null && !verbatim.isEmpty() ? verbatim.get(0) : null;
        if (first instanceof ObjectNode o && o.path("role").asText("").equals("system")) {
          // As AIPerf: merged into the dataset's own system message, never a second one.
          JsonNode own = o.get("content");
          if (own != null && own.isArray()) {
            ArrayNode parts = Json.MAPPER.createArrayNode();
            parts.addObject().put("type", "text").put("text", turn.systemPrompt());
            parts.addAll((ArrayNode) own);
            o.set("content", parts);
          } else if (own != null && own.isTextual() && !own.asText().isEmpty()) {
            o.put("content", turn.systemPrompt() + "\n\n" + own.asText());
          } else {
            o.put("content", turn.systemPrompt());
          }
        } else {
          messages.addObject().put("role", "system").put("content", turn.systemPrompt());
        }
      }
      for (var m : history) {
        HistoryMessages.add(messages, m);
      }
      if (verbatim != null) {
        messages.addAll(verbatim);
        return;
      }
      ObjectNode user = messages.addObject().put("role", Bodies.role(turn));
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
    boolean sendsTools() {
      return true;
    }

    @Override
    public java.util.List<io.aiperf.api.spi.ChatMessage> replyMessages(
        java.util.List<byte[]> responses) {
      // Tool calls go back as the assistant's tool_calls, as AIPerf replays them; else the text.
      var whole = ToolReplies.chat(responses);
      return whole != null ? whole : super.replyMessages(responses);
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
      String content = text(message.get("content"));
      if (reasoning[0] != null && !reasoning[0].isEmpty()) {
        return content; // as AIPerf: reasoning wins, tool calls beside it are not counted
      }
      // Tool calls are generated tokens: their names and arguments count as output, after any
      // prose beside them (AIPerf's ToolCallResponseData), in streamed deltas and whole messages.
      StringBuilder calls = new StringBuilder();
      for (JsonNode call : message.path("tool_calls")) {
        appendCall(calls, call.path("function"));
      }
      appendCall(calls, message.path("function_call"));
      if (calls.length() == 0) {
        return content;
      }
      return (content != null ? content : "") + calls;
    }

    private static void appendCall(StringBuilder calls, JsonNode function) {
      JsonNode name = function.get("name");
      if (name != null && name.isTextual()) {
        calls.append(name.asText());
      }
      JsonNode arguments = function.get("arguments");
      if (arguments != null && arguments.isTextual()) {
        calls.append(arguments.asText());
      }
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
