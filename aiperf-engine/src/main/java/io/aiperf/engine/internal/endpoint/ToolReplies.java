package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.spi.ChatMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A reply that carried more than text, captured whole for the session's history as AIPerf 0.13
 * captures it ({@code build_assistant_turn} of its chat, Anthropic and Responses endpoints): chat
 * {@code tool_calls} (streamed deltas joined by index, legacy {@code function_call} included),
 * Anthropic {@code thinking} and {@code tool_use} blocks, Responses output items. Each method
 * returns null when the reply holds none of these, and the endpoint then keeps its text only.
 * Runs after the turn ended, on the worker's hand-off thread.
 */
final class ToolReplies {
  /** Responses output items the API does not take back as input (AIPerf drops them too). */
  static final Set<String> RESPONSES_UNSAFE = Set.of("web_search_call", "file_search_call",
      "image_generation_call", "code_interpreter_call", "computer_call", "reasoning");

  private static final Set<String> RESPONSES_FAILURES =
      Set.of("response.failed", "response.incomplete", "response.error", "error");

  private ToolReplies() {}

  private static @Nullable JsonNode tree(byte[] response) {
    try {
      JsonNode n = Json.MAPPER.readTree(response);
      return n != null && n.isObject() ? n : null;
    } catch (IOException notJson) {
      return null; // [DONE], comments: nothing to capture
    }
  }

  private static final byte[][] CHAT_TOOL_KEYS =
      {ascii("\"tool_calls\""), ascii("\"function_call\"")};
  private static final byte[][] MESSAGES_BLOCK_KEYS =
      {ascii("\"thinking\""), ascii("\"tool_use\"")};

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * Whether any response names one of {@code keys}: a reply without them has nothing to keep
   * structured, and the endpoint's own byte-level reader takes its text, with no tree per chunk.
   */
  private static boolean mentions(List<byte[]> responses, byte[][] keys) {
    for (byte[] r : responses) {
      for (byte[] key : keys) {
        if (indexOf(r, key) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Chat: {@code {"role": "assistant", "content": text or null, "tool_calls": [...]}}. */
  static @Nullable List<ChatMessage> chat(List<byte[]> responses) {
    if (!mentions(responses, CHAT_TOOL_KEYS)) {
      return null;
    }
    StringBuilder content = new StringBuilder();
    Map<Integer, ObjectNode> calls = new TreeMap<>();
    for (byte[] r : responses) {
      JsonNode root = tree(r);
      if (root == null) {
        continue;
      }
      String object = root.path("object").asText("");
      JsonNode choice = root.path("choices").path(0);
      if (object.equals("chat.completion")) {
        JsonNode message = choice.path("message");
        if (message.path("content").isTextual()) {
          content.append(message.get("content").asText());
        }
        for (JsonNode call : message.path("tool_calls")) {
          if (call instanceof ObjectNode whole) {
            int index = whole.path("index").asInt(calls.size());
            ObjectNode copy = whole.deepCopy();
            copy.remove("index");
            calls.put(index, copy);
          }
        }
        JsonNode legacy = message.path("function_call");
        if (legacy.isObject()) {
          ObjectNode call = Json.MAPPER.createObjectNode().put("type", "function");
          call.putObject("function").put("name", legacy.path("name").asText(""))
              .put("arguments", legacy.path("arguments").asText(""));
          calls.put(calls.size(), call);
        }
      } else if (object.equals("chat.completion.chunk")) {
        JsonNode delta = choice.path("delta");
        if (delta.path("content").isTextual()) {
          content.append(delta.get("content").asText());
        }
        for (JsonNode part : delta.path("tool_calls")) {
          mergeCallDelta(calls, part);
        }
        JsonNode legacy = delta.path("function_call");
        if (legacy.isObject()) {
          ObjectNode call = calls.computeIfAbsent(0, k -> Json.MAPPER.createObjectNode());
          call.put("type", "function");
          appendFunction(call, legacy, true);
        }
      }
    }
    if (calls.isEmpty()) {
      return null;
    }
    ObjectNode message = Json.MAPPER.createObjectNode().put("role", "assistant");
    if (content.length() > 0) {
      message.put("content", content.toString());
    } else {
      message.putNull("content");
    }
    ArrayNode list = message.putArray("tool_calls");
    calls.values().forEach(list::add);
    return List.of(HistoryMessages.whole("assistant", message));
  }

  /** One streamed tool-call fragment, joined to its call by index (or the next free one). */
  private static void mergeCallDelta(Map<Integer, ObjectNode> calls, JsonNode part) {
    int index = part.path("index").asInt(calls.size());
    ObjectNode call = calls.computeIfAbsent(index, k -> Json.MAPPER.createObjectNode());
    if (!part.path("id").asText("").isEmpty()) {
      call.put("id", part.get("id").asText());
    }
    if (!part.path("type").asText("").isEmpty()) {
      call.put("type", part.get("type").asText());
    }
    JsonNode function = part.path("function");
    if (function.isObject() && !function.isEmpty()) {
      appendFunction(call, function, false);
    }
  }

  private static void appendFunction(ObjectNode call, JsonNode fragment, boolean joinNames) {
    JsonNode existing = call.get("function");
    ObjectNode function = existing instanceof ObjectNode o ? o : call.putObject("function");
    String name = fragment.path("name").asText("");
    if (!name.isEmpty()) {
      function.put("name", joinNames ? function.path("name").asText("") + name : name);
    }
    if (fragment.has("arguments")) {
      function.put("arguments", function.path("arguments").asText("")
          + fragment.path("arguments").asText(""));
    }
  }

  /** Anthropic: one assistant message whose content is thinking, then text, then tool_use. */
  static @Nullable List<ChatMessage> messages(List<byte[]> responses) {
    if (!mentions(responses, MESSAGES_BLOCK_KEYS)) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    Map<Integer, ObjectNode> thinking = new TreeMap<>();
    Map<Integer, ObjectNode> tools = new TreeMap<>();
    Map<Integer, StringBuilder> toolInput = new LinkedHashMap<>();
    for (byte[] r : responses) {
      JsonNode root = tree(r);
      if (root == null) {
        continue;
      }
      switch (root.path("type").asText("")) {
        case "message" -> {
          for (JsonNode block : root.path("content")) {
            String type = block.path("type").asText("");
            if (type.equals("text") && block.path("text").isTextual()) {
              text.append(block.get("text").asText());
            } else if ((type.equals("thinking") || type.equals("tool_use"))
                && block instanceof ObjectNode whole) {
              Map<Integer, ObjectNode> slots = type.equals("thinking") ? thinking : tools;
              slots.put(slots.size(), whole.deepCopy());
            }
          }
        }
        case "content_block_start" -> {
          JsonNode block = root.path("content_block");
          String type = block.path("type").asText("");
          if (!(block instanceof ObjectNode whole)
              || !type.equals("thinking") && !type.equals("tool_use")) {
            continue;
          }
          Map<Integer, ObjectNode> slots = type.equals("thinking") ? thinking : tools;
          int index = root.path("index").asInt(slots.size());
          ObjectNode copy = whole.deepCopy();
          if (type.equals("thinking")) {
            copy.put("thinking", copy.path("thinking").asText(""));
            copy.put("signature", copy.path("signature").asText(""));
          } else {
            toolInput.put(index, new StringBuilder());
          }
          slots.put(index, copy);
        }
        case "content_block_delta" -> {
          JsonNode delta = root.path("delta");
          String kind = delta.path("type").asText("");
          if (kind.equals("text_delta") && delta.path("text").isTextual()) {
            text.append(delta.get("text").asText());
            continue;
          }
          if (!root.path("index").canConvertToInt()) {
            continue;
          }
          int index = root.get("index").asInt();
          if (kind.equals("thinking_delta") || kind.equals("signature_delta")) {
            String field = kind.equals("thinking_delta") ? "thinking" : "signature";
            ObjectNode block = thinking.get(index);
            if (block != null && delta.path(field).isTextual()) {
              block.put(field, block.path(field).asText("") + delta.get(field).asText());
            }
          } else if (kind.equals("input_json_delta") && toolInput.containsKey(index)) {
            toolInput.get(index).append(delta.path("partial_json").asText(""));
          }
        }
        default -> {
          // pings, stops, message_start/delta: nothing of the reply's content
        }
      }
    }
    if (thinking.isEmpty() && tools.isEmpty()) {
      return null;
    }
    ObjectNode message = Json.MAPPER.createObjectNode().put("role", "assistant");
    ArrayNode content = message.putArray("content");
    thinking.values().forEach(content::add);
    if (text.length() > 0) {
      content.addObject().put("type", "text").put("text", text.toString());
    }
    for (Map.Entry<Integer, ObjectNode> e : tools.entrySet()) {
      ObjectNode block = e.getValue();
      StringBuilder input = toolInput.get(e.getKey());
      if (input != null) {
        // Streamed input arrives as JSON fragments; malformed JSON is kept as text, so the
        // server rejects it loudly rather than the history losing it (as AIPerf keeps it).
        if (input.length() == 0) {
          if (!block.has("input") || block.get("input").isEmpty()) {
            block.putObject("input");
          }
        } else {
          try {
            block.set("input", Json.MAPPER.readTree(input.toString()));
          } catch (JsonProcessingException e2) {
            block.put("input", input.toString());
          }
        }
      }
      content.add(block);
    }
    return List.of(HistoryMessages.whole("assistant", message));
  }

  /**
   * Responses: every output item, from the whole response or {@code response.completed} first
   * (its order wins), then {@code response.output_item.done} events for items those lacked,
   * each once by its id. A stream that ended in failure keeps its text only.
   */
  static @Nullable List<ChatMessage> responses(List<byte[]> responses) {
    Map<String, JsonNode> items = new LinkedHashMap<>();
    List<JsonNode> done = new ArrayList<>();
    for (byte[] r : responses) {
      JsonNode root = tree(r);
      if (root == null) {
        continue;
      }
      String type = root.path("type").asText("");
      if (RESPONSES_FAILURES.contains(type)) {
        return null;
      }
      if (root.path("object").asText("").equals("response")) {
        root.path("output").forEach(item -> merge(items, item));
      } else if (type.equals("response.completed")) {
        root.path("response").path("output").forEach(item -> merge(items, item));
      } else if (type.equals("response.output_item.done") && root.path("item").isObject()) {
        done.add(root.get("item"));
      }
    }
    done.forEach(item -> merge(items, item));
    if (items.isEmpty()) {
      return null;
    }
    List<ChatMessage> out = new ArrayList<>(items.size());
    for (JsonNode item : items.values()) {
      out.add(HistoryMessages.whole(item.path("role").asText("assistant"), item));
    }
    return out;
  }

  private static void merge(Map<String, JsonNode> items, JsonNode item) {
    if (!item.isObject()) {
      return;
    }
    String key = item.path("id").asText("");
    if (key.isEmpty()) {
      key = item.path("call_id").asText("");
    }
    if (key.isEmpty()) {
      key = item.path("item_id").asText("");
    }
    if (key.isEmpty()) {
      key = item.path("type").asText("?") + "::" + item;
    }
    items.putIfAbsent(key, item);
  }
}
