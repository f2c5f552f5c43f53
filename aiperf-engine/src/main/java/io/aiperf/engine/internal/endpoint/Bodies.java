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

  /** Reads an OpenAI or Anthropic usage block; any field may be missing. */
  static @Nullable Usage usage(@Nullable JsonNode u) {
    if (u == null || !u.isObject()) {
      return null;
    }
    long prompt = first(u, "prompt_tokens", "input_tokens");
    long completion = first(u, "completion_tokens", "output_tokens");
    long total = u.path("total_tokens").asLong(-1);
    long reasoning = u.path("completion_tokens_details").path("reasoning_tokens").asLong(-1);
    if (reasoning < 0) {
      reasoning = u.path("output_tokens_details").path("reasoning_tokens").asLong(-1);
    }
    return new Usage(prompt, completion, total, reasoning);
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
