package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.ChatMessage;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.ResponseErrorException;
import io.aiperf.api.spi.Turn;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The Anthropic Messages API: authenticated by {@code x-api-key} with an
 * {@code anthropic-version}; streamed as {@code message_start}, {@code content_block_delta}
 * ({@code text_delta}, {@code thinking_delta}), {@code message_delta} (usage) and
 * {@code message_stop}, or whole as a {@code content} block list.
 */
public final class MessagesEndpointProvider implements EndpointProvider {
  /** The API version sent unless the user sends their own header. */
  static final String ANTHROPIC_VERSION = "2023-06-01";

  /**
   * The API requires max_tokens; AIPerf 0.13 sends 1024 (the Messages API documentation's own
   * example) when a turn asks for no length.
   */
  static final int DEFAULT_MAX_TOKENS = 1024;

  @Override
  public String name() {
    return "messages";
  }

  @Override
  public String description() {
    return "Anthropic Messages API (/v1/messages), x-api-key auth, streaming and not";
  }

  @Override
  public String defaultPath() {
    return "/v1/messages";
  }

  @Override
  public boolean supportsStreaming() {
    return true;
  }

  @Override
  public Map<String, String> headers(EndpointConfig config) {
    Map<String, String> headers = new LinkedHashMap<>();
    config.apiKey().ifPresent(k -> headers.put("x-api-key", k));
    boolean userVersion = config.headers().keySet().stream()
        .anyMatch(h -> h.toLowerCase(Locale.ROOT).equals("anthropic-version"));
    if (!userVersion) {
      headers.put("anthropic-version", ANTHROPIC_VERSION);
    }
    return headers;
  }

  @Override
  public Endpoint create(EndpointConfig config) {
    return new Messages(config);
  }

  static final class Messages implements Endpoint {
    private final EndpointConfig config;

    Messages(EndpointConfig config) {
      this.config = config;
    }

    @Override
    public byte[] formatRequest(Turn turn, boolean streaming) {
      return formatRequest(List.of(), turn, streaming);
    }

    @Override
    public byte[] formatRequest(List<ChatMessage> history, Turn turn, boolean streaming) {
      ObjectNode body = Json.MAPPER.createObjectNode();
      ArrayNode messages = body.putArray("messages");
      for (ChatMessage m : history) {
        HistoryMessages.add(messages, m);
      }
      ArrayNode verbatim = Bodies.messages(turn);
      if (verbatim != null) {
        messages.addAll(verbatim);
      } else {
        ObjectNode user = messages.addObject().put("role", Bodies.role(turn));
        if (turn.texts().size() == 1) {
          user.put("content", turn.texts().get(0));
        } else {
          ArrayNode parts = user.putArray("content");
          turn.texts().forEach(t -> parts.addObject().put("type", "text").put("text", t));
        }
      }
      body.put("model", turn.modelIfSet().orElseGet(() -> config.model().orElseThrow()));
      body.put("max_tokens", turn.maxTokens() > 0 ? turn.maxTokens() : DEFAULT_MAX_TOKENS);
      body.put("stream", streaming);
      Bodies.putTools(body, turn);
      Bodies.putExtras(body, config, Set.of());
      Bodies.putTurnExtras(body, turn, Set.of());
      return Bodies.write(body);
    }

    @Override
    public List<ChatMessage> replyMessages(List<byte[]> responses) {
      // thinking and tool_use blocks go back whole, as AIPerf replays them; else the text.
      List<ChatMessage> whole = ToolReplies.messages(responses);
      return whole != null ? whole : Endpoint.super.replyMessages(responses);
    }

    @Override
    public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
      if (length == 0) {
        return null;
      }
      try {
        return OnePass.read(data, offset, length, Messages::readDelta);
      } catch (OnePass.NeedsTree e) {
        return parseTree(data, offset, length);
      }
    }

    /**
     * Reads {@code content_block_delta} events, the bulk of a stream, in one pass, as
     * {@link #parseTree} reads them, and the events that carry nothing.
     *
     * @throws OnePass.NeedsTree for any other event, a whole message or an error
     */
    static @Nullable ParsedResponse readDelta(JsonParser p) throws IOException, OnePass.NeedsTree {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new OnePass.NeedsTree();
      }
      String type = null;
      String kind = "";
      String text = null;
      String thinking = null;
      String partial = null;
      int seen = 0;
      for (String name = OnePass.nextField(p); name != null; name = OnePass.nextField(p)) {
        if (name.equals("type")) {
          seen = OnePass.once(seen, 1);
          if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new OnePass.NeedsTree();
          }
          type = p.getText();
        } else if (name.equals("delta")) {
          seen = OnePass.once(seen, 2);
          if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new OnePass.NeedsTree();
          }
          int inner = 0;
          for (String n = OnePass.nextField(p); n != null; n = OnePass.nextField(p)) {
            switch (n) {
              case "type" -> {
                inner = OnePass.once(inner, 1);
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                  throw new OnePass.NeedsTree();
                }
                kind = p.getText();
              }
              case "text" -> {
                inner = OnePass.once(inner, 2);
                text = OnePass.textOrNoText(p);
              }
              case "thinking" -> {
                inner = OnePass.once(inner, 4);
                thinking = OnePass.textOrNoText(p);
              }
              case "partial_json" -> {
                inner = OnePass.once(inner, 8);
                partial = OnePass.textOrNoText(p);
              }
              default -> p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
      if (type == null) {
        throw new OnePass.NeedsTree();
      }
      return switch (type) {
        case "content_block_delta" -> switch (kind) {
          case "text_delta" -> new ParsedResponse(text, null, null);
          case "thinking_delta" -> new ParsedResponse(null, thinking, null);
          // A tool call's input is generated tokens too (AIPerf counts it as output).
          case "input_json_delta" -> new ParsedResponse(partial, null, null);
          default -> null; // signature deltas carry no text
        };
        case "", "message", "message_start", "message_delta", "error" ->
            throw new OnePass.NeedsTree();
        default -> null; // ping, content_block_start/stop, message_stop
      };
    }

    /** Reads a body or event as a tree: what defines the result of {@link #parse}. */
    static @Nullable ParsedResponse parseTree(byte[] data, int offset, int length) {
      JsonNode root = Bodies.read(data, offset, length);
      if (!root.isObject()) {
        throw Bodies.unexpected("a message object or a message stream event", data, offset,
            length);
      }
      String type = root.path("type").asText("");
      switch (type) {
        case "message":
          return whole(root);
        case "content_block_delta": {
          JsonNode delta = root.path("delta");
          String kind = delta.path("type").asText("");
          if (kind.equals("text_delta")) {
            return new ParsedResponse(Bodies.text(delta.get("text")), null, null);
          }
          if (kind.equals("thinking_delta")) {
            return new ParsedResponse(null, Bodies.text(delta.get("thinking")), null);
          }
          if (kind.equals("input_json_delta")) {
            return new ParsedResponse(Bodies.text(delta.get("partial_json")), null, null);
          }
          return null; // signature deltas carry no text
        }
        case "message_start":
          return new ParsedResponse(null, null,
              Bodies.usage(root.path("message").get("usage")));
        case "message_delta":
          return new ParsedResponse(null, null, Bodies.usage(root.get("usage")));
        case "error": {
          JsonNode error = root.path("error");
          throw new ResponseErrorException(error.path("type").asText("ResponseError"),
              "Server sent an error: " + error.path("message").asText(error.toString()));
        }
        case "":
          Bodies.throwIfError(root);
          throw Bodies.unexpected("{\"type\": \"message\", \"content\": [...]}", data, offset,
              length);
        default:
          return null; // ping, content_block_start/stop, message_stop
      }
    }

    private static ParsedResponse whole(JsonNode root) {
      StringBuilder text = new StringBuilder();
      StringBuilder thinking = new StringBuilder();
      StringBuilder calls = new StringBuilder();
      for (JsonNode block : root.path("content")) {
        String kind = block.path("type").asText("");
        if (kind.equals("text")) {
          text.append(block.path("text").asText(""));
        } else if (kind.equals("thinking")) {
          thinking.append(block.path("thinking").asText(""));
        } else if (kind.equals("tool_use")) {
          // The name and the input as compact JSON, as AIPerf counts a tool call's tokens.
          JsonNode name = block.get("name");
          if (name != null && name.isTextual()) {
            calls.append(name.asText());
          }
          JsonNode input = block.get("input");
          if (input != null && !input.isNull() && !(input.isContainerNode() && input.isEmpty())) {
            calls.append(input.toString());
          }
        }
      }
      if (thinking.length() == 0) {
        text.append(calls); // AIPerf: text then tool calls, unless reasoning came
      }
      return new ParsedResponse(text.length() > 0 ? text.toString() : null,
          thinking.length() > 0 ? thinking.toString() : null, Bodies.usage(root.get("usage")));
    }
  }
}
