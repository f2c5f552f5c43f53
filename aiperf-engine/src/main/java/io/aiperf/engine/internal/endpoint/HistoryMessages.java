package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.spi.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A session's history as AIPerf replays it: messages a dataset wrote (a tool result, an
 * assistant's earlier {@code tool_calls}) and replies that carried tool calls are kept whole and
 * sent again as they were, not flattened into text; plain messages are {@code {role, content}}.
 */
public final class HistoryMessages {
  private HistoryMessages() {}

  /**
   * A dataset's message list (JSON text of an array of objects with a role) as history
   * messages, each kept whole.
   *
   * @param messages the JSON text
   * @return one message per element
   * @throws IllegalArgumentException if the text is not such an array
   */
  public static List<ChatMessage> ofList(String messages) {
    JsonNode array = Bodies.json(messages, "messages");
    if (!array.isArray()) {
      throw new IllegalArgumentException("a turn's messages must be a JSON array");
    }
    List<ChatMessage> out = new ArrayList<>(array.size());
    for (JsonNode m : array) {
      out.add(whole(m.path("role").asText("user"), m));
    }
    return out;
  }

  /** A message kept whole, with the text it stands for. */
  static ChatMessage whole(String role, JsonNode message) {
    return new ChatMessage(role, text(message), message.toString());
  }

  /**
   * The text a message stands for, for formats without a message list and for counting: its
   * content (a string, or the text of its parts), then any tool calls' names and arguments.
   */
  static String text(JsonNode message) {
    StringBuilder out = new StringBuilder();
    JsonNode content = message.get("content");
    if (content != null && content.isTextual()) {
      out.append(content.asText());
    } else if (content != null && content.isArray()) {
      for (JsonNode part : content) {
        appendPart(out, part);
      }
    }
    for (JsonNode call : message.path("tool_calls")) {
      appendCall(out, call.path("function").path("name"), call.path("function").path("arguments"));
    }
    // A Responses API function_call item.
    if (message.path("type").asText("").equals("function_call")) {
      appendCall(out, message.path("name"), message.path("arguments"));
    }
    return out.toString();
  }

  private static void appendPart(StringBuilder out, JsonNode part) {
    if (part.isTextual()) {
      out.append(part.asText());
      return;
    }
    String type = part.path("type").asText("");
    if (part.path("text").isTextual()) {
      out.append(part.get("text").asText());
    } else if (type.equals("tool_use")) {
      JsonNode input = part.path("input");
      appendCall(out, part.path("name"), input.isMissingNode() ? input
          : Json.MAPPER.getNodeFactory().textNode(input.toString()));
    } else if (type.equals("tool_result") && part.path("content").isTextual()) {
      out.append(part.get("content").asText());
    }
  }

  private static void appendCall(StringBuilder out, JsonNode name, JsonNode arguments) {
    if (name.isTextual()) {
      out.append(name.asText());
    }
    if (arguments.isTextual()) {
      out.append(arguments.asText());
    }
  }

  /** Adds a history message to a message list: whole when kept whole, else role and content. */
  static void add(ArrayNode messages, ChatMessage m) {
    JsonNode whole = node(m);
    if (whole != null) {
      messages.add(whole);
    } else {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
  }

  /** The message's whole object, or null when it is plain text. */
  static @Nullable ObjectNode node(ChatMessage m) {
    String message = m.message();
    if (message == null) {
      return null;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(message);
      if (n instanceof ObjectNode o) {
        return o;
      }
    } catch (JsonProcessingException e) {
      // fall through: a message that is no object is refused below
    }
    throw new IllegalArgumentException("a history message must be a JSON object but was "
        + (message.length() > 80 ? message.substring(0, 80) + "…" : message));
  }
}
