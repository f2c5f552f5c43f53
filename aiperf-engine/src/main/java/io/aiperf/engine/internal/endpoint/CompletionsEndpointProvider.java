package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.Turn;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** OpenAI text completions: {@code prompt} in, {@code choices[0].text} out. */
public final class CompletionsEndpointProvider implements EndpointProvider {
  @Override
  public String name() {
    return "completions";
  }

  @Override
  public String description() {
    return "OpenAI text completions (/v1/completions), streaming and not";
  }

  @Override
  public String defaultPath() {
    return "/v1/completions";
  }

  @Override
  public boolean supportsStreaming() {
    return true;
  }

  @Override
  public Endpoint create(EndpointConfig config) {
    return new Completions(config);
  }

  private static final class Completions extends OpenAiEndpoint {
    private static final byte[] TEXT = ascii("text");

    Completions(EndpointConfig config) {
      super(config);
    }

    @Override
    void putPrompt(ObjectNode body, Turn turn) {
      // A bare string for one prompt, as newer AIPerf sends; some servers reject a list.
      if (turn.texts().size() == 1) {
        body.put("prompt", turn.texts().get(0));
      } else {
        ArrayNode prompts = body.putArray("prompt");
        turn.texts().forEach(prompts::add);
      }
    }

    @Override
    @Nullable String readContent(JsonNode choice, @Nullable String[] reasoning) {
      return text(choice.get("text"));
    }

    @Override
    void readChoice(JsonParser p, @Nullable String[] text) throws IOException, OnePass.NeedsTree {
      int seen = 0;
      for (String name = OnePass.nextField(p); name != null; name = OnePass.nextField(p)) {
        if (name.equals("text")) {
          seen = OnePass.once(seen, 1);
          text[0] = OnePass.text(p);
        } else {
          p.skipChildren();
        }
      }
    }

    @Override
    void scanChoice(JsonBytes s, @Nullable String[] text) throws OnePass.NeedsTree {
      int seen = 0;
      for (boolean more = s.firstField(); more; more = s.nextField()) {
        if (s.nameIs(TEXT)) {
          seen = OnePass.once(seen, 1);
          text[0] = s.contentText();
        } else {
          s.skipValue();
        }
      }
    }
  }
}
