package io.aiperf.engine.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.Media;
import io.aiperf.api.spi.Turn;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ResponsesEndpointTest {
  @Test
  void mediaAndSystemPrompt_takeTheResponsesApisShapes() throws Exception {
    var endpoint = new ResponsesEndpointProvider().create(
        Endpoints.of("responses", "http://127.0.0.1:1").model("m"));
    Turn turn = new Turn(List.of("describe this"), 16, 0, -1)
        .withMedia(List.of(Media.image("data:image/png;base64,AAAA", "png"),
            Media.audio("UklGRg==", "wav")))
        .withSystemPrompt("be brief");
    JsonNode body = Json.MAPPER.readTree(endpoint.formatRequest(turn, true));
    JsonNode parts = body.at("/input/0/content");
    assertThat(parts.get(0).get("type").asText()).isEqualTo("input_text");
    assertThat(parts.get(1).get("type").asText()).isEqualTo("input_image");
    assertThat(parts.get(1).get("image_url").asText()).isEqualTo("data:image/png;base64,AAAA");
    assertThat(parts.get(2).at("/input_audio/format").asText()).isEqualTo("wav");
    assertThat(body.get("instructions").asText()).isEqualTo("be brief");
    assertThat(body.get("max_output_tokens").asInt()).isEqualTo(16);
  }
}
