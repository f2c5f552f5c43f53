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
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI Responses API: {@code input} message items in; streamed as typed events
 * ({@code response.output_text.delta}, {@code response.reasoning_text.delta}, usage on
 * {@code response.completed}), or whole as an {@code output} list.
 */
public final class ResponsesEndpointProvider implements EndpointProvider {
  @Override
  public String name() {
    return "responses";
  }

  @Override
  public String description() {
    return "OpenAI Responses API (/v1/responses), streaming events and whole responses";
  }

  @Override
  public String defaultPath() {
    return "/v1/responses";
  }

  @Override
  public boolean supportsStreaming() {
    return true;
  }

  @Override
  public Endpoint create(EndpointConfig config) {
    return new Responses(config);
  }

  static final class Responses implements Endpoint {
    private final EndpointConfig config;

    Responses(EndpointConfig config) {
      this.config = config;
    }

    @Override
    public byte[] formatRequest(Turn turn, boolean streaming) {
      return formatRequest(List.of(), turn, streaming);
    }

    @Override
    public byte[] formatRequest(List<ChatMessage> history, Turn turn, boolean streaming) {
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.put("model", turn.modelIfSet().orElseGet(() -> config.model().orElseThrow()));
      ArrayNode input = body.putArray("input");
      for (ChatMessage m : history) {
        ObjectNode whole = HistoryMessages.node(m);
        if (whole != null) {
          addItem(input, whole);
          continue;
        }
        boolean assistant = m.role().equals("assistant");
        message(input, m.role()).addObject()
            .put("type", assistant ? "output_text" : "input_text").put("text", m.content());
      }
      ArrayNode verbatim = Bodies.messages(turn);
      if (verbatim != null) {
        verbatim.forEach(item -> addItem(input, item)); // as AIPerf sends raw messages
      }
      ArrayNode parts = verbatim != null ? Json.MAPPER.createArrayNode()
          : message(input, Bodies.role(turn));
      for (String t : verbatim != null ? List.<String>of() : turn.texts()) {
        parts.addObject().put("type", "input_text").put("text", t);
      }
      // The Responses API's own shapes: images as input_image, the system prompt as instructions.
      for (io.aiperf.api.spi.Media m : verbatim != null ? List.<io.aiperf.api.spi.Media>of()
          : turn.media()) {
        if (m.kind() == io.aiperf.api.spi.Media.Kind.IMAGE) {
          parts.addObject().put("type", "input_image").put("image_url", m.data());
        } else {
          parts.addObject().put("type", "input_audio").putObject("input_audio")
              .put("data", m.data()).put("format", m.format());
        }
      }
      if (turn.systemPrompt() != null) {
        body.put("instructions", turn.systemPrompt());
      }
      body.put("stream", streaming);
      if (turn.maxTokens() > 0) {
        body.put("max_output_tokens", turn.maxTokens());
      }
      Bodies.putTools(body, turn);
      Bodies.putExtras(body, config, Set.of());
      Bodies.putTurnExtras(body, turn, Set.of());
      return Bodies.write(body);
    }

    /** An item given whole, unless it is output the API does not take back (AIPerf drops it). */
    private static void addItem(ArrayNode input, com.fasterxml.jackson.databind.JsonNode item) {
      if (!ToolReplies.RESPONSES_UNSAFE.contains(item.path("type").asText(""))) {
        input.add(item);
      }
    }

    @Override
    public List<ChatMessage> replyMessages(List<byte[]> responses) {
      // Every output item goes back whole (function calls included), as AIPerf replays them.
      List<ChatMessage> whole = ToolReplies.responses(responses);
      return whole != null ? whole : Endpoint.super.replyMessages(responses);
    }

    private static ArrayNode message(ArrayNode input, String role) {
      return input.addObject().put("type", "message").put("role", role).putArray("content");
    }

    @Override
    public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
      if (length == 0) {
        return null;
      }
      try {
        return OnePass.read(data, offset, length, Responses::readDelta);
      } catch (OnePass.NeedsTree e) {
        return parseTree(data, offset, length);
      }
    }

    /**
     * Reads the text delta events, the bulk of a stream, in one pass, as {@link #parseTree} reads
     * them, and the events that carry nothing.
     *
     * @throws OnePass.NeedsTree for any other event, a whole response or an error
     */
    static @Nullable ParsedResponse readDelta(JsonParser p) throws IOException, OnePass.NeedsTree {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new OnePass.NeedsTree();
      }
      String type = null;
      String delta = null;
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
          delta = OnePass.textOrNoText(p);
        } else {
          p.skipChildren();
        }
      }
      if (type == null) {
        throw new OnePass.NeedsTree();
      }
      return switch (type) {
        case "response.output_text.delta", "response.function_call_arguments.delta" ->
            new ParsedResponse(delta, null, null);
        case "response.reasoning_text.delta", "response.reasoning_summary_text.delta" ->
            new ParsedResponse(null, delta, null);
        case "", "response.completed", "response.incomplete", "response.failed", "error" ->
            throw new OnePass.NeedsTree();
        default -> null;
      };
    }

    /** Reads a body or event as a tree: what defines the result of {@link #parse}. */
    static @Nullable ParsedResponse parseTree(byte[] data, int offset, int length) {
      JsonNode root = Bodies.read(data, offset, length);
      if (!root.isObject()) {
        throw Bodies.unexpected("a response object or a response.* event", data, offset, length);
      }
      String type = root.path("type").asText("");
      if (type.isEmpty()) {
        Bodies.throwIfError(root);
        if (!root.path("output").isArray()) {
          throw Bodies.unexpected("{\"object\": \"response\", \"output\": [...]}", data, offset,
              length);
        }
        return whole(root);
      }
      switch (type) {
        case "response.output_text.delta":
        case "response.function_call_arguments.delta":
          // A tool call's arguments are generated tokens too (AIPerf counts them as output).
          return new ParsedResponse(Bodies.text(root.get("delta")), null, null);
        case "response.reasoning_text.delta":
        case "response.reasoning_summary_text.delta":
          return new ParsedResponse(null, Bodies.text(root.get("delta")), null);
        case "response.completed":
        case "response.incomplete":
          return new ParsedResponse(null, null,
              Bodies.usage(root.path("response").get("usage")));
        case "response.failed":
          JsonNode error = root.path("response").path("error");
          throw new ResponseErrorException(error.path("code").asText("ResponseFailed"),
              "Server sent an error: " + error.path("message").asText(error.toString()));
        case "error":
          throw new ResponseErrorException(root.path("code").asText("ResponseError"),
              "Server sent an error: " + root.path("message").asText(root.toString()));
        default:
          // response.created, *.done (which repeat the deltas), item and part envelopes.
          return null;
      }
    }

    private static ParsedResponse whole(JsonNode root) {
      StringBuilder content = new StringBuilder();
      StringBuilder reasoning = new StringBuilder();
      StringBuilder calls = new StringBuilder();
      for (JsonNode item : root.get("output")) {
        String itemType = item.path("type").asText("");
        if (itemType.equals("function_call")) {
          String name = Bodies.text(item.get("name"));
          String arguments = Bodies.text(item.get("arguments"));
          calls.append(name != null ? name : "").append(arguments != null ? arguments : "");
        } else if (itemType.equals("message")) {
          for (JsonNode part : item.path("content")) {
            if (part.path("type").asText("").equals("output_text")) {
              content.append(part.path("text").asText(""));
            }
          }
        } else if (itemType.equals("reasoning")) {
          for (JsonNode part : item.path("content")) {
            reasoning.append(part.path("text").asText(""));
          }
          if (reasoning.length() == 0) {
            for (JsonNode part : item.path("summary")) {
              reasoning.append(part.path("text").asText(""));
            }
          }
        }
      }
      // AIPerf's precedence: reasoning, then message text, then tool calls alone.
      if (content.length() == 0 && reasoning.length() == 0) {
        content = calls;
      }
      return new ParsedResponse(content.length() > 0 ? content.toString() : null,
          reasoning.length() > 0 ? reasoning.toString() : null, Bodies.usage(root.get("usage")));
    }
  }
}
