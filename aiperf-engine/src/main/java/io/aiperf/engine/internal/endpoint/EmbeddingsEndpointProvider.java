package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI embeddings: {@code {model, input: [texts]}} in, {@code data[].embedding} out. Every text of
 * a turn goes into one request, so a turn of N texts is a batch of N.
 */
public final class EmbeddingsEndpointProvider implements EndpointProvider {
  @Override
  public String name() {
    return "embeddings";
  }

  @Override
  public String description() {
    return "OpenAI embeddings (/v1/embeddings): every text of a turn in one 'input' list";
  }

  @Override
  public String defaultPath() {
    return "/v1/embeddings";
  }

  @Override
  public boolean supportsStreaming() {
    return false;
  }

  @Override
  public boolean producesTokens() {
    return false;
  }

  @Override
  public String metricsTitle() {
    return "Embeddings Metrics";
  }

  @Override
  public Endpoint create(EndpointConfig config) {
    return new Embeddings(config);
  }

  private static final class Embeddings implements Endpoint {
    private final EndpointConfig config;

    Embeddings(EndpointConfig config) {
      this.config = config;
    }

    @Override
    public byte[] formatRequest(Turn turn, boolean streaming) {
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.put("model", turn.modelIfSet().orElseGet(() -> config.model().orElseThrow()));
      ArrayNode input = body.putArray("input");
      turn.texts().forEach(input::add);
      Bodies.putExtras(body, config, Set.of());
      Bodies.putTurnExtras(body, turn, Set.of());
      return Bodies.write(body);
    }

    @Override
    public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
      if (length == 0) {
        return null;
      }
      JsonNode root = Bodies.read(data, offset, length);
      Bodies.throwIfError(root);
      JsonNode items = root.get("data");
      if (items == null || !items.isArray() || items.isEmpty()
          || !items.get(0).path("embedding").isArray()) {
        throw Bodies.unexpected("{\"data\": [{\"embedding\": [...]}]}", data, offset, length);
      }
      return new ParsedResponse(null, null, Bodies.usage(root.get("usage")));
    }
  }
}
