package io.aiperf.engine.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.EndpointProvider.Endpoint;
import io.aiperf.api.spi.Turn;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Anthropic Messages request's max_tokens, which the API requires. */
final class MessagesRequestTest {
  private final Endpoint messages = new MessagesEndpointProvider().create(
      Endpoints.of("messages", "http://127.0.0.1:1").model("claude"));

  private String body(Turn t) {
    return new String(messages.formatRequest(t, false), StandardCharsets.UTF_8);
  }

  @Test
  void withoutAnOutputLength_maxTokensIsAiperfs1024() {
    assertThat(body(new Turn(List.of("hi"), 0))).contains("\"max_tokens\":1024");
  }

  @Test
  void withAnOutputLength_maxTokensIsThatLength() {
    assertThat(body(new Turn(List.of("hi"), 77))).contains("\"max_tokens\":77")
        .doesNotContain("1024");
  }
}
