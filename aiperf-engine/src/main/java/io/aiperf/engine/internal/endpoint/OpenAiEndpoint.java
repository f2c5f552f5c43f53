package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.ChatMessage;
import io.aiperf.api.spi.EndpointProvider.Endpoint;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.ResponseErrorException;
import io.aiperf.api.spi.Turn;
import io.aiperf.api.spi.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What chat and completions share: body assembly around the endpoint-specific prompt field, and
 * reading {@code choices[0]} and {@code usage} from whole bodies and stream chunks alike.
 */
abstract class OpenAiEndpoint implements Endpoint {
  static final ObjectMapper JSON = Json.MAPPER;
  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

  final EndpointConfig config;

  OpenAiEndpoint(EndpointConfig config) {
    this.config = config;
  }

  /** Puts the prompt into the body, in the endpoint's shape. */
  abstract void putPrompt(ObjectNode body, Turn turn);

  /** Puts history and prompt into the body; formats without messages join them into one text. */
  void putPrompt(ObjectNode body, List<ChatMessage> history, Turn turn) {
    if (history.isEmpty()) {
      putPrompt(body, turn);
      return;
    }
    StringBuilder joined = new StringBuilder();
    for (ChatMessage m : history) {
      joined.append(m.content()).append('\n');
    }
    putPrompt(body, new Turn(List.of(joined + String.join(" ", turn.texts())), turn.maxTokens()));
  }

  /** Reads the generated text from {@code choices[0]}; {@code reasoning[0]} gets reasoning. */
  abstract @Nullable String readContent(JsonNode choice, @Nullable String[] reasoning);

  @Override
  public byte[] formatRequest(Turn turn, boolean streaming) {
    return formatRequest(List.of(), turn, streaming);
  }

  @Override
  public byte[] formatRequest(List<ChatMessage> history, Turn turn, boolean streaming) {
    ObjectNode body = JSON.createObjectNode();
    putPrompt(body, history, turn);
    body.put("model", turn.modelIfSet().orElseGet(() -> config.model().orElseThrow()));
    body.put("stream", streaming);
    if (turn.maxTokens() > 0) {
      body.put(maxTokensField(), turn.maxTokens());
    }
    for (Map.Entry<String, Object> e : config.extraInputs().entrySet()) {
      body.set(e.getKey(), JSON.valueToTree(e.getValue()));
    }
    if (streaming) {
      // As AIPerf does: ask for usage in a final chunk of its own (merged into any options the
      // user gave); that chunk carries no text and never counts for timing.
      JsonNode options = body.get("stream_options");
      ObjectNode merged = options instanceof ObjectNode o ? o : JSON.createObjectNode();
      merged.put("include_usage", true);
      body.set("stream_options", merged);
    }
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot encode the request body: " + e.getMessage(), e);
    }
  }

  String maxTokensField() {
    return "max_tokens";
  }

  @Override
  public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
    if (length == 0 || isDone(data, offset, length)) {
      return null;
    }
    JsonNode root;
    try {
      root = JSON.readTree(data, offset, length);
    } catch (IOException e) {
      throw new IllegalArgumentException("Response is not JSON: " + e.getMessage()
          + "; body starts with: " + preview(data, offset, length));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("Response is not a JSON object; body starts with: "
          + preview(data, offset, length));
    }
    if (root.has("error") && !root.has("choices")) {
      JsonNode error = root.get("error");
      String message = error.isObject() ? error.path("message").asText(error.toString())
          : error.asText();
      String type = error.isObject() ? error.path("type").asText("ResponseError")
          : "ResponseError";
      throw new ResponseErrorException(type, "Server sent an error: " + message);
    }
    Usage usage = readUsage(root.get("usage"));
    JsonNode choices = root.get("choices");
    String content = null;
    @Nullable String[] reasoning = new String[1];
    if (choices != null && choices.isArray() && !choices.isEmpty()) {
      content = readContent(choices.get(0), reasoning);
    }
    // Neither text nor usage (e.g. Azure's prompt_filter_results chunk): carries nothing.
    return new ParsedResponse(content, reasoning[0], usage);
  }

  static @Nullable String text(@Nullable JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static @Nullable Usage readUsage(@Nullable JsonNode u) {
    if (u == null || !u.isObject()) {
      return null;
    }
    long reasoning = u.path("completion_tokens_details").path("reasoning_tokens").asLong(-1);
    return new Usage(u.path("prompt_tokens").asLong(-1), u.path("completion_tokens").asLong(-1),
        u.path("total_tokens").asLong(-1), reasoning);
  }

  static boolean isDone(byte[] data, int offset, int length) {
    int start = offset;
    int end = offset + length;
    while (start < end && Character.isWhitespace(data[start])) {
      start++;
    }
    while (end > start && Character.isWhitespace(data[end - 1])) {
      end--;
    }
    if (end - start != DONE.length) {
      return false;
    }
    for (int i = 0; i < DONE.length; i++) {
      if (data[start + i] != DONE[i]) {
        return false;
      }
    }
    return true;
  }

  static String preview(byte[] data, int offset, int length) {
    String s = new String(data, offset, Math.min(length, 200), StandardCharsets.UTF_8);
    return length > 200 ? s + "…" : s;
  }
}
