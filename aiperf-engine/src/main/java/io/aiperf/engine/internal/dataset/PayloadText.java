package io.aiperf.engine.internal.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The prompt texts of a request body a dataset gives whole (raw payloads, inputs.json, trace
 * message lists), so its input tokens can be counted: message contents (strings and text parts),
 * a system prompt, a completions prompt, a Responses input, embeddings inputs.
 */
final class PayloadText {
  private PayloadText() {}

  /** The texts of a whole body, in order. */
  static List<String> ofPayload(JsonNode payload) {
    List<String> out = new ArrayList<>();
    addContent(payload.get("system"), out);
    addMessages(payload.get("messages"), out);
    addContent(payload.get("prompt"), out);
    JsonNode input = payload.get("input");
    if (input != null && input.isArray() && !input.isEmpty() && input.get(0).isObject()) {
      addMessages(input, out); // Responses items
    } else {
      addContent(input, out);
    }
    addContent(payload.get("instructions"), out);
    return out;
  }

  /** The texts of a message list. */
  static List<String> ofMessages(JsonNode messages) {
    List<String> out = new ArrayList<>();
    addMessages(messages, out);
    return out;
  }

  private static void addMessages(@Nullable JsonNode messages, List<String> out) {
    if (messages == null || !messages.isArray()) {
      return;
    }
    for (JsonNode m : messages) {
      addContent(m.get("content"), out);
    }
  }

  private static void addContent(@Nullable JsonNode content, List<String> out) {
    if (content == null || content.isNull()) {
      return;
    }
    if (content.isTextual()) {
      if (!content.asText().isEmpty()) {
        out.add(content.asText());
      }
    } else if (content.isArray()) {
      for (JsonNode part : content) {
        if (part.isTextual()) {
          addContent(part, out);
        } else if (part.isObject()) {
          addContent(part.get("text"), out);
        }
      }
    }
  }

  /** The output length a body asks for, under any API's name for it; 0 for none. */
  static int maxTokens(JsonNode payload) {
    for (String field : new String[] {"max_completion_tokens", "max_tokens", "max_output_tokens",
        "max_new_tokens"}) {
      JsonNode v = payload.get(field);
      if (v != null && v.canConvertToInt() && v.asInt() > 0) {
        return v.asInt();
      }
    }
    JsonNode tgi = payload.path("parameters").get("max_new_tokens");
    return tgi != null && tgi.canConvertToInt() && tgi.asInt() > 0 ? tgi.asInt() : 0;
  }
}
