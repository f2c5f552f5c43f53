package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Hugging Face TGI: {@code {inputs, parameters: {max_new_tokens, ...extra}}} to {@code /generate},
 * or to {@code /generate_stream} when streaming. A stream counts only each event's
 * {@code token.text}: the last event's {@code generated_text} repeats the whole answer.
 */
public final class HuggingFaceGenerateEndpointProvider implements EndpointProvider {
  @Override
  public String name() {
    return "huggingface_generate";
  }

  @Override
  public String description() {
    return "Hugging Face TGI generate (/generate, /generate_stream when streaming)";
  }

  @Override
  public String defaultPath() {
    return "/generate";
  }

  @Override
  public String defaultPath(boolean streaming) {
    return streaming ? "/generate_stream" : "/generate";
  }

  @Override
  public boolean supportsStreaming() {
    return true;
  }

  @Override
  public Endpoint create(EndpointConfig config) {
    return new Endpoint() {
      @Override
      public byte[] formatRequest(Turn turn, boolean streaming) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("inputs", String.join(" ", turn.texts()));
        ObjectNode parameters = body.putObject("parameters");
        if (turn.maxTokens() > 0) {
          parameters.put("max_new_tokens", turn.maxTokens());
        }
        // As AIPerf: TGI takes generation options inside 'parameters'.
        Bodies.putExtras(parameters, config, Set.of());
        return Bodies.write(body);
      }

      @Override
      public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
        if (length == 0) {
          return null;
        }
        JsonNode root = Bodies.read(data, offset, length);
        Bodies.throwIfError(root);
        JsonNode token = root.get("token");
        if (token != null && token.isObject()) {
          // A stream event. As AIPerf, every token's text counts, special ones included.
          return new ParsedResponse(Bodies.text(token.get("text")), null, null);
        }
        JsonNode answer = root.isArray() && !root.isEmpty() ? root.get(0) : root;
        JsonNode text = answer.isObject() ? answer.get("generated_text") : null;
        if (text == null || !text.isTextual()) {
          throw Bodies.unexpected("{\"generated_text\": \"...\"} or {\"token\": {\"text\"}}",
              data, offset, length);
        }
        return new ParsedResponse(text.asText(), null, null);
      }
    };
  }
}
