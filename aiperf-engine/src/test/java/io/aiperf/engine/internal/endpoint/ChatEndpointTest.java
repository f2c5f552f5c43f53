package io.aiperf.engine.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.EndpointProvider.Endpoint;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.ResponseErrorException;
import io.aiperf.api.spi.Turn;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class ChatEndpointTest {
  private final Endpoint chat = new ChatEndpointProvider().create(
      Endpoints.openAiChat("http://127.0.0.1:1").model("qwen").extraInput("ignore_eos", true)
          .extraInput("stream_options", Map.of("continuous_usage_stats", true)));

  private ParsedResponse parse(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return chat.parse(b, 0, b.length);
  }

  @Test
  void requestBody_hasAiperfFieldOrder() {
    String body = new String(chat.formatRequest(new Turn(List.of("hi"), 50), true),
        StandardCharsets.UTF_8);
    assertThat(body).isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"model\":\"qwen\",\"stream\":true,\"max_completion_tokens\":50,\"ignore_eos\":true,"
        + "\"stream_options\":{\"continuous_usage_stats\":true,\"include_usage\":true}}");
  }

  @Test
  void requestBody_withMediaSystemPromptAndModel_hasAiperfContentParts() {
    Endpoint bare = new ChatEndpointProvider().create(Endpoints.openAiChat("http://x").model("m"));
    Turn turn = new Turn(List.of("look", "listen"), 0)
        .withMedia(List.of(io.aiperf.api.spi.Media.audio("UklG", "wav"),
            io.aiperf.api.spi.Media.image("data:image/png;base64,iVBO", "png")))
        .withModel("vlm").withSystemPrompt("be brief");
    assertThat(new String(bare.formatRequest(turn, false), StandardCharsets.UTF_8)).isEqualTo(
        "{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},"
        + "{\"type\":\"text\",\"text\":\"listen\"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBO\"}},"
        + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklG\",\"format\":\"wav\"}}]}],"
        + "\"model\":\"vlm\",\"stream\":false}");
  }

  @Test
  void requestBody_withoutOsl_sendsNoLimit_andLegacyFieldWhenAsked() {
    Endpoint bare = new ChatEndpointProvider().create(Endpoints.openAiChat("http://x").model("m"));
    String plain = new String(bare.formatRequest(new Turn(List.of("hi"), 0), false),
        StandardCharsets.UTF_8);
    assertThat(plain).doesNotContain("max_").doesNotContain("stream_options")
        .contains("\"stream\":false");
    Endpoint legacy = new ChatEndpointProvider().create(
        Endpoints.openAiChat("http://x").model("m").useLegacyMaxTokens(true));
    assertThat(new String(legacy.formatRequest(new Turn(List.of("hi"), 7), false),
        StandardCharsets.UTF_8)).contains("\"max_tokens\":7").doesNotContain("max_completion");
  }

  @Test
  void parse_contentReasoningAndUsage() {
    ParsedResponse r = parse("{\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":"
        + "{\"content\":\"Hi\",\"reasoning_content\":\"think\"}}]}");
    assertThat(r.content()).isEqualTo("Hi");
    assertThat(r.reasoning()).isEqualTo("think");
    assertThat(parse("{\"choices\":[{\"delta\":{\"reasoning\":\"r\"}}]}").reasoning())
        .isEqualTo("r");
    ParsedResponse usage = parse("{\"choices\":[],\"usage\":{\"prompt_tokens\":5,"
        + "\"completion_tokens\":7,\"total_tokens\":12}}");
    assertThat(usage.hasData()).isFalse();
    assertThat(usage.usage().completionTokens()).isEqualTo(7);
    assertThat(parse("{\"choices\":[{\"message\":{\"content\":\"whole\"}}]}").content())
        .isEqualTo("whole");
  }

  @Test
  void parse_doneAndFilterChunks_carryNothing() {
    assertThat(parse("[DONE]")).isNull();
    assertThat(parse(" [DONE] ")).isNull();
    assertThat(parse("{\"choices\":[],\"prompt_filter_results\":[]}").hasData()).isFalse();
  }

  @Test
  void parse_errorObject_isAResponseError_andGarbageIsNot() {
    assertThatThrownBy(() -> parse("{\"error\":{\"message\":\"overloaded\",\"type\":\"server\"}}"))
        .isInstanceOfSatisfying(ResponseErrorException.class,
            e -> assertThat(e.type()).isEqualTo("server"))
        .hasMessage("Server sent an error: overloaded");
    assertThatThrownBy(() -> parse("not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(ResponseErrorException.class)
        .hasMessageContaining("body starts with: not json");
  }
}
