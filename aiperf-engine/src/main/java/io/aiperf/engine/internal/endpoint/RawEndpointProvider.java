package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import io.aiperf.api.spi.Usage;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * AIPerf's {@code raw} endpoint, for APIs no other type speaks: every turn carries its whole body
 * (a {@code raw_payload} or {@code inputs_json} dataset), sent to the URL as given with no path
 * added, and answers are read by shape: OpenAI chat and completions chunks, embeddings, rankings,
 * or a plain {@code text}-like field; a body that is not JSON is its own text.
 *
 * <p>The extra input {@code response_field} picks the answer out first, as AIPerf's JMESPath
 * query does ({@link ResponseField}: names and indexes): a string is the text, a list of numbers
 * (or of lists of numbers) an embedding, a list of objects rankings; when it matches nothing (or
 * something else), the answer is read by shape, as AIPerf falls back to its auto-detection. The
 * field is not sent: a raw payload goes out as written.
 */
public final class RawEndpointProvider implements EndpointProvider {
  @Override
  public String name() {
    return "raw";
  }

  @Override
  public String description() {
    return "Raw payloads sent as they are to the URL as given; answers read by shape";
  }

  @Override
  public String defaultPath() {
    return "";
  }

  @Override
  public boolean supportsStreaming() {
    return true;
  }

  @Override
  public Endpoint create(EndpointConfig config) {
    Object field = config.extraInputs().get(TemplateEndpointProvider.RESPONSE_FIELD);
    return new Raw(field == null ? null : ResponseField.parse(field.toString()));
  }

  private static final class Raw implements Endpoint {
    private final @Nullable ResponseField field;

    Raw(@Nullable ResponseField field) {
      this.field = field;
    }

    @Override
    public byte[] formatRequest(Turn turn, boolean streaming) {
      String raw = turn.rawPayload();
      if (raw == null) {
        throw new IllegalArgumentException("the raw endpoint sends each turn's own payload, but a"
            + " turn has none: use --custom-dataset-type raw_payload or inputs_json, or another"
            + " --endpoint-type");
      }
      return raw.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
      if (length == 0 || OpenAiEndpoint.isDone(data, offset, length)) {
        return null;
      }
      JsonNode root;
      try {
        root = Json.MAPPER.readTree(data, offset, length);
      } catch (java.io.IOException e) {
        root = null;
      }
      if (root == null || root.isMissingNode() || !root.isContainerNode()) {
        // Not JSON (or a bare value): the body is the answer's text, as AIPerf takes it.
        String text = new String(data, offset, length, StandardCharsets.UTF_8);
        return text.isBlank() ? null : new ParsedResponse(text, null, null);
      }
      if (root.isArray()) {
        return null; // a reranker's list of scores: no text
      }
      Bodies.throwIfError(root);
      if (field != null) {
        ParsedResponse picked = picked(field.find(root), root);
        if (picked != null) {
          return picked;
        }
      }
      if (isEmbeddings(root) || root.has("rankings") || root.has("results")) {
        return new ParsedResponse(null, null, Bodies.usage(root.get("usage")));
      }
      return new ParsedResponse(text(root), null, Bodies.usage(root.get("usage")));
    }

    /** AIPerf's typing of a JMESPath match; null when it is empty or of no known shape. */
    private static @Nullable ParsedResponse picked(JsonNode value, JsonNode root) {
      @Nullable Usage usage = Bodies.usage(root.get("usage"));
      if (value.isTextual()) {
        return value.asText().isEmpty() ? null : new ParsedResponse(value.asText(), null, usage);
      }
      if (value.isArray() && !value.isEmpty()) {
        JsonNode first = value.get(0);
        if (first.isNumber() || first.isObject()
            || first.isArray() && !first.isEmpty() && first.get(0).isNumber()) {
          return new ParsedResponse(null, null, usage); // embeddings or rankings: no text
        }
      }
      return null;
    }

    private static boolean isEmbeddings(JsonNode root) {
      JsonNode data = root.get("data");
      if (data != null && data.isArray() && !data.isEmpty()
          && data.get(0).path("object").asText("").equals("embedding")) {
        return true;
      }
      return root.path("embeddings").isArray() || root.path("embedding").isArray();
    }

    /** AIPerf's text probe: simple fields first, then OpenAI choices. */
    private static @Nullable String text(JsonNode root) {
      for (String field : new String[] {"text", "content", "response", "output", "result"}) {
        JsonNode v = root.get(field);
        if (v != null && v.isTextual()) {
          return v.asText();
        }
        if (v != null && v.isArray() && !v.isEmpty()) {
          StringBuilder joined = new StringBuilder();
          boolean strings = true;
          for (JsonNode item : v) {
            strings &= item.isTextual();
            joined.append(item.asText());
          }
          if (strings) {
            return joined.toString();
          }
        }
      }
      JsonNode choice = root.path("choices").path(0);
      for (JsonNode candidate : new JsonNode[] {choice.get("text"),
          choice.path("message").get("content"), choice.path("delta").get("content")}) {
        if (candidate != null && candidate.isTextual() && !candidate.asText().isEmpty()) {
          return candidate.asText();
        }
      }
      return null;
    }
  }
}
