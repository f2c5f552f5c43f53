package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.ChatMessage;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.Media;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * AIPerf's two other embeddings formats: a chat body answered with embeddings (vLLM's way to
 * embed images) and NVIDIA NIM's embeddings with images. Both read the OpenAI embeddings answer.
 */
public final class EmbeddingVariants {
  private EmbeddingVariants() {}

  /** {@code chat_embeddings}: the chat request body, the embeddings answer. */
  public static final class ChatEmbeddings implements EndpointProvider {
    @Override
    public String name() {
      return "chat_embeddings";
    }

    @Override
    public String description() {
      return "Chat-style embeddings (/v1/embeddings, vLLM multimodal embedding models): chat"
          + " messages in, 'data[].embedding' out";
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
      Endpoint chat = new ChatEndpointProvider().create(config);
      Endpoint embeddings = new EmbeddingsEndpointProvider().create(config);
      return new Endpoint() {
        @Override
        public byte[] formatRequest(Turn turn, boolean streaming) {
          return chat.formatRequest(turn, false);
        }

        @Override
        public byte[] formatRequest(List<ChatMessage> history, Turn turn, boolean streaming) {
          return chat.formatRequest(history, turn, false);
        }

        @Override
        public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
          return embeddings.parse(data, offset, length);
        }
      };
    }
  }

  /**
   * {@code nim_embeddings}: OpenAI's body whose {@code input} may hold images (data URLs); with
   * texts and images both, each text is joined to its image, as AIPerf pairs them.
   */
  public static final class NimEmbeddings implements EndpointProvider {
    @Override
    public String name() {
      return "nim_embeddings";
    }

    @Override
    public String description() {
      return "NVIDIA NIM embeddings (/v1/embeddings): texts and/or images in 'input'";
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
      return "NIM Embeddings Metrics";
    }

    @Override
    public Endpoint create(EndpointConfig config) {
      Endpoint embeddings = new EmbeddingsEndpointProvider().create(config);
      return new Endpoint() {
        @Override
        public byte[] formatRequest(Turn turn, boolean streaming) {
          List<String> texts = new ArrayList<>();
          for (String t : turn.texts()) {
            if (!t.isEmpty()) {
              texts.add(t);
            }
          }
          List<String> images = new ArrayList<>();
          for (Media m : turn.media()) {
            if (m.kind() == Media.Kind.IMAGE && !m.data().isEmpty()) {
              images.add(m.data());
            }
          }
          List<String> inputs;
          if (!texts.isEmpty() && !images.isEmpty()) {
            if (texts.size() != images.size()) {
              throw new IllegalArgumentException("nim_embeddings pairs each text with an image,"
                  + " but a turn had " + texts.size() + " texts and " + images.size()
                  + " images; give as many of each, or only one kind");
            }
            inputs = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
              inputs.add(texts.get(i) + " " + images.get(i));
            }
          } else {
            inputs = images.isEmpty() ? texts : images;
          }
          ObjectNode body = Json.MAPPER.createObjectNode();
          body.put("model", turn.modelIfSet().orElseGet(() -> config.model().orElseThrow()));
          ArrayNode input = body.putArray("input");
          inputs.forEach(input::add);
          Bodies.putExtras(body, config, Set.of());
          Bodies.putTurnExtras(body, turn, Set.of());
          return Bodies.write(body);
        }

        @Override
        public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
          return embeddings.parse(data, offset, length);
        }
      };
    }
  }
}
