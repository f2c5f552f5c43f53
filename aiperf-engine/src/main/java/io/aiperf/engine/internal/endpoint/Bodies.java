package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.ResponseErrorException;
import io.aiperf.api.spi.Usage;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What every JSON endpoint format does the same way: encode, decode, errors, extras, usage. */
final class Bodies {
  private Bodies() {}

  static byte[] write(ObjectNode body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot encode the request body: " + e.getMessage(), e);
    }
  }

  /** Merges the user's extra inputs into the body, skipping the names a format reserves. */
  static void putExtras(ObjectNode body, EndpointConfig config, Set<String> reserved) {
    for (Map.Entry<String, Object> e : config.extraInputs().entrySet()) {
      if (!reserved.contains(e.getKey())) {
        body.set(e.getKey(), Json.MAPPER.valueToTree(e.getValue()));
      }
    }
  }

  /**
   * Merges a turn's own extra fields (AIPerf's per-turn {@code extra}) into the body: last, over
   * everything else, as AIPerf merges them, skipping the names a format reserves.
   */
  static void putTurnExtras(ObjectNode body, io.aiperf.api.spi.Turn turn, Set<String> reserved) {
    String extra = turn.extraBody();
    if (extra == null) {
      return;
    }
    JsonNode fields = json(extra, "extra");
    if (!fields.isObject()) {
      throw new IllegalArgumentException("a turn's extra must be a JSON object but was "
          + abbreviate(extra));
    }
    fields.fields().forEachRemaining(e -> {
      if (!reserved.contains(e.getKey())) {
        body.set(e.getKey(), e.getValue());
      }
    });
  }

  /** Puts the turn's tool definitions, as the dataset gave them, into the body's {@code tools}. */
  static void putTools(ObjectNode body, io.aiperf.api.spi.Turn turn) {
    if (turn.tools() != null) {
      body.set("tools", json(turn.tools(), "tools"));
    }
  }

  /** The turn's verbatim message list, or null when the endpoint builds the messages. */
  static com.fasterxml.jackson.databind.node.@Nullable ArrayNode messages(
      io.aiperf.api.spi.Turn turn) {
    if (turn.messages() == null) {
      return null;
    }
    JsonNode m = json(turn.messages(), "messages");
    if (!m.isArray()) {
      throw new IllegalArgumentException("a turn's messages must be a JSON array but was "
          + abbreviate(turn.messages()));
    }
    // A copy: the body may be changed after (a system prompt merged into the first message).
    return (com.fasterxml.jackson.databind.node.ArrayNode) m.deepCopy();
  }

  /** The role of the turn's own message: the dataset's, else {@code user}. */
  static String role(io.aiperf.api.spi.Turn turn) {
    return turn.role() != null ? turn.role() : "user";
  }

  /** Reads JSON text the dataset gave for a part of the body. */
  static JsonNode json(String text, String what) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a turn's " + what + " is not JSON: "
          + e.getOriginalMessage() + " in " + abbreviate(text));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }

  /**
   * Reads a JSON value; bytes that are not JSON are not a response of the format, and the message
   * shows what came instead.
   */
  static JsonNode read(byte[] data, int offset, int length) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(data, offset, length);
    } catch (IOException e) {
      throw new IllegalArgumentException("Response is not JSON: " + e.getMessage()
          + "; body starts with: " + OpenAiEndpoint.preview(data, offset, length));
    }
    if (root == null || root.isMissingNode()) {
      throw new IllegalArgumentException("Response is empty");
    }
    return root;
  }

  /** A response that is neither what the format returns nor an error object. */
  static IllegalArgumentException unexpected(String expected, byte[] data, int offset,
      int length) {
    return new IllegalArgumentException("Response has an unexpected shape: expected " + expected
        + "; body starts with: " + OpenAiEndpoint.preview(data, offset, length));
  }

  /**
   * Throws when the body is an error report: OpenAI's {@code {"error": {...}}}, Anthropic's
   * {@code {"type": "error", "error": {...}}}, or TGI's {@code {"error": "...", "error_type"}}.
   */
  static void throwIfError(JsonNode root) {
    if (!root.isObject() || !root.has("error")) {
      return;
    }
    JsonNode error = root.get("error");
    if (error == null || error.isNull()) {
      return;
    }
    String message = error.isObject() ? error.path("message").asText(error.toString())
        : error.asText();
    String type = error.isObject() ? error.path("type").asText("ResponseError")
        : root.path("error_type").asText("ResponseError");
    throw new ResponseErrorException(type, "Server sent an error: " + message);
  }

  /**
   * Reads an OpenAI, Anthropic, DeepSeek or Responses usage block with AIPerf 0.13's synonyms
   * (its {@code Usage} model); any field may be missing.
   */
  static @Nullable Usage usage(@Nullable JsonNode u) {
    if (u == null || !u.isObject()) {
      return null;
    }
    long completion = first(u, "completion_tokens", "output_tokens");
    long total = u.path("total_tokens").asLong(-1);
    long reasoning = u.path("completion_tokens_details").path("reasoning_tokens").asLong(-1);
    if (reasoning < 0) {
      reasoning = u.path("output_tokens_details").path("reasoning_tokens").asLong(-1);
    }
    long cacheRead = u.path("prompt_tokens_details").path("cached_tokens").asLong(-1);
    if (cacheRead < 0) {
      cacheRead = u.path("input_tokens_details").path("cached_tokens").asLong(-1);
    }
    if (cacheRead < 0) {
      cacheRead = firstOf(u, CACHE_READ_KEYS);
    }
    long cacheWrite = firstOf(u, "cache_creation_input_tokens", "cacheWriteInputTokens");
    long cacheMiss = firstOf(u, "prompt_cache_miss_tokens");
    long prompt = number(u, "prompt_tokens");
    if (prompt < 0) {
      prompt = number(u, "input_tokens");
      // Anthropic counts input apart from the cache: AIPerf adds the cache back to the prompt.
      if (prompt >= 0) {
        for (String k : DISJOINT_CACHE_KEYS) {
          prompt += Math.max(0, number(u, k));
        }
      }
    }
    return new Usage(prompt, completion, total, reasoning, cacheRead, cacheWrite, cacheMiss);
  }

  /** AIPerf's top-level synonyms of cached prompt reads, in its order of precedence. */
  private static final String[] CACHE_READ_KEYS = {"cache_read_input_tokens",
      "prompt_cache_hit_tokens", "cachedContentTokenCount", "cacheReadInputTokens", "cached_tokens"};
  private static final String[] DISJOINT_CACHE_KEYS = {"cache_read_input_tokens",
      "cache_creation_input_tokens"};

  private static long number(JsonNode u, String key) {
    JsonNode n = u.get(key);
    return n != null && n.isNumber() ? n.asLong() : -1;
  }

  private static long firstOf(JsonNode u, String... keys) {
    for (String k : keys) {
      long v = number(u, k);
      if (v >= 0) {
        return v;
      }
    }
    return -1;
  }

  private static long first(JsonNode u, String a, String b) {
    JsonNode n = u.get(a);
    if (n == null || !n.isNumber()) {
      n = u.get(b);
    }
    return n != null && n.isNumber() ? n.asLong() : -1;
  }

  static @Nullable String text(@Nullable JsonNode node) {
    return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
  }
}
