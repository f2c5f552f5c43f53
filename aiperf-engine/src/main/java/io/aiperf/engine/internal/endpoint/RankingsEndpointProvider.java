package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Rerankers: a query and passages in, scores out. A turn's first text is the query and the rest
 * are the passages (a dataset line's {@code texts}), in AIPerf's three wire formats.
 */
public abstract class RankingsEndpointProvider implements EndpointProvider {
  RankingsEndpointProvider() {}

  /** NVIDIA NIM: {@code {model, query: {text}, passages: [{text}]}} to {@code rankings}. */
  public static final class Nim extends RankingsEndpointProvider {
    @Override
    public String name() {
      return "nim_rankings";
    }

    @Override
    public String description() {
      return "NVIDIA NIM reranking (/v1/ranking): query and passages in, 'rankings' out";
    }

    @Override
    public String defaultPath() {
      return "/v1/ranking";
    }

    @Override
    void putBody(ObjectNode body, String model, String query, List<String> passages) {
      body.put("model", model);
      body.putObject("query").put("text", query);
      ArrayNode p = body.putArray("passages");
      passages.forEach(t -> p.addObject().put("text", t));
    }

    @Override
    JsonNode results(JsonNode root) {
      return root.get("rankings");
    }

    @Override
    String expected() {
      return "{\"rankings\": [{\"index\", \"logit\"}]}";
    }
  }

  /** Cohere: {@code {model, query, documents}} to {@code results[].relevance_score}. */
  public static final class Cohere extends RankingsEndpointProvider {
    @Override
    public String name() {
      return "cohere_rankings";
    }

    @Override
    public String description() {
      return "Cohere rerank (/v2/rerank): query and documents in, 'results' out";
    }

    @Override
    public String defaultPath() {
      return "/v2/rerank";
    }

    @Override
    void putBody(ObjectNode body, String model, String query, List<String> passages) {
      body.put("model", model);
      body.put("query", query);
      ArrayNode d = body.putArray("documents");
      passages.forEach(d::add);
    }

    @Override
    JsonNode results(JsonNode root) {
      return root.get("results");
    }

    @Override
    String expected() {
      return "{\"results\": [{\"index\", \"relevance_score\"}]}";
    }
  }

  /** Hugging Face TEI: {@code {query, texts}} to a list of {@code {index, score}}. */
  public static final class HfTei extends RankingsEndpointProvider {
    @Override
    public String name() {
      return "hf_tei_rankings";
    }

    @Override
    public String description() {
      return "Hugging Face TEI rerank (/rerank): query and texts in, a list of scores out";
    }

    @Override
    public String defaultPath() {
      return "/rerank";
    }

    @Override
    void putBody(ObjectNode body, String model, String query, List<String> passages) {
      // TEI serves one model per server and takes no model field.
      body.put("query", query);
      ArrayNode t = body.putArray("texts");
      passages.forEach(t::add);
    }

    @Override
    JsonNode results(JsonNode root) {
      return root.isArray() ? root : root.get("results");
    }

    @Override
    String expected() {
      return "[{\"index\", \"score\"}]";
    }
  }

  abstract void putBody(ObjectNode body, String model, String query, List<String> passages);

  /** The list of scores, or null when the body has none. */
  abstract JsonNode results(JsonNode root);

  abstract String expected();

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
    return "Rankings Metrics";
  }

  @Override
  public Endpoint create(EndpointConfig config) {
    return new Endpoint() {
      @Override
      public byte[] formatRequest(Turn turn, boolean streaming) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        List<String> texts = turn.texts();
        String query = texts.isEmpty() ? "" : texts.get(0);
        List<String> passages = texts.size() > 1 ? texts.subList(1, texts.size()) : List.of();
        putBody(body, turn.modelIfSet().orElseGet(() -> config.model().orElseThrow()), query,
            passages);
        Bodies.putExtras(body, config, Set.of());
        return Bodies.write(body);
      }

      @Override
      public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
        if (length == 0) {
          return null;
        }
        JsonNode root = Bodies.read(data, offset, length);
        Bodies.throwIfError(root);
        JsonNode results = results(root);
        if (results == null || !results.isArray()) {
          throw Bodies.unexpected(expected(), data, offset, length);
        }
        return new ParsedResponse(null, null,
            root.isObject() ? Bodies.usage(root.get("usage")) : null);
      }
    };
  }
}
