package io.aiperf.engine.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.EndpointProvider.Endpoint;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tool calls as AIPerf 0.13 reads them: their names and arguments are output, after the prose
 * beside them; reasoning wins over both. And the parts of a turn a dataset gives verbatim.
 */
final class ToolCallsTest {
  private static final Endpoint CHAT = new ChatEndpointProvider().create(
      Endpoints.openAiChat("http://x").model("m"));
  private static final Endpoint RESPONSES = new ResponsesEndpointProvider().create(
      Endpoints.of("responses", "http://x").model("m"));
  private static final Endpoint MESSAGES = new MessagesEndpointProvider().create(
      Endpoints.of("messages", "http://x").model("m"));

  private static ParsedResponse parse(Endpoint e, String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return e.parse(b, 0, b.length);
  }

  private static JsonNode body(Endpoint e, Turn t) throws Exception {
    return Json.MAPPER.readTree(e.formatRequest(t, true));
  }

  @Test
  void chat_wholeMessage_toolCallsAfterTheProse() {
    String json = "{\"object\":\"chat.completion\",\"choices\":[{\"message\":{\"content\":\"Sure. \","
        + "\"tool_calls\":[{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\","
        + "\"arguments\":\"{\\\"x\\\":1}\"}},{\"id\":\"b\",\"type\":\"function\",\"function\":"
        + "{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]}";
    assertThat(parse(CHAT, json).content()).isEqualTo("Sure. f{\"x\":1}g{}");
  }

  @Test
  void chat_legacyFunctionCall_andReasoningWinning() {
    assertThat(parse(CHAT, "{\"choices\":[{\"delta\":{\"function_call\":{\"name\":\"f\","
        + "\"arguments\":\"{\"}}}]}").content()).isEqualTo("f{");
    ParsedResponse r = parse(CHAT, "{\"choices\":[{\"delta\":{\"reasoning_content\":\"hm\","
        + "\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"x\"}}]}}]}");
    assertThat(r.reasoning()).isEqualTo("hm");
    assertThat(r.content()).isNull();
  }

  @Test
  void responses_wholeFunctionCall_isOutputOnlyWithoutText() {
    assertThat(parse(RESPONSES, "{\"object\":\"response\",\"output\":[{\"type\":\"function_call\","
        + "\"name\":\"f\",\"arguments\":\"{\\\"q\\\":2}\"}]}").content()).isEqualTo("f{\"q\":2}");
    assertThat(parse(RESPONSES, "{\"object\":\"response\",\"output\":[{\"type\":\"message\","
        + "\"content\":[{\"type\":\"output_text\",\"text\":\"hi\"}]},{\"type\":\"function_call\","
        + "\"name\":\"f\",\"arguments\":\"{}\"}]}").content()).isEqualTo("hi");
    assertThat(parse(RESPONSES, "{\"type\":\"response.function_call_arguments.delta\","
        + "\"delta\":\"{\\\"q\"}").content()).isEqualTo("{\"q");
  }

  @Test
  void messages_toolUse_nameAndCompactInput() {
    assertThat(parse(MESSAGES, "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":"
        + "\"ok \"},{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{\"a\": [1, 2]}}]}")
        .content()).isEqualTo("ok f{\"a\":[1,2]}");
    assertThat(parse(MESSAGES, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
        + "\"input_json_delta\",\"partial_json\":\"{\\\"a\\\"\"}}").content()).isEqualTo("{\"a\"");
  }

  @Test
  void chat_toolsRoleExtraAndVerbatimMessages_shapeTheBody() throws Exception {
    Turn t = new Turn(List.of("ignored"), 9).withTools("[{\"type\":\"function\",\"function\":"
        + "{\"name\":\"f\"}}]").withMessages("[{\"role\":\"system\",\"content\":\"own\"},"
        + "{\"role\":\"user\",\"content\":\"q\"}]").withSystemPrompt("global")
        .withExtraBody("{\"max_completion_tokens\": 3, \"stream\": false}");
    JsonNode b = body(CHAT, t);
    assertThat(b.at("/tools/0/function/name").asText()).isEqualTo("f");
    // One system message: the --system-prompt joined before the dataset's own, as AIPerf.
    assertThat(b.get("messages")).hasSize(2);
    assertThat(b.at("/messages/0/content").asText()).isEqualTo("global\n\nown");
    assertThat(b.get("max_completion_tokens").asInt()).isEqualTo(3);
    // A turn that turns streaming off gets no stream_options, which servers refuse without it.
    assertThat(b.has("stream_options")).isFalse();
    JsonNode r = body(CHAT, new Turn(List.of("hi"), 0).withRole("developer"));
    assertThat(r.at("/messages/0/role").asText()).isEqualTo("developer");
    assertThat(r.has("tools")).isFalse();
  }

  @Test
  void toolsThatAreNoJson_failNamingThePart() {
    assertThatThrownBy(() -> CHAT.formatRequest(new Turn(List.of("x"), 0).withTools("[oops"),
        false)).hasMessageStartingWith("a turn's tools is not JSON");
  }

  @Test
  void rawPayloads_bypassTheEndpoint() {
    Endpoint raw = RawPayloads.wrap(CHAT);
    String payload = "{\"anything\":[1,2,3]}";
    Turn t = new Turn(List.of("x"), 0).withRawPayload(payload);
    assertThat(new String(raw.formatRequest(t, true), StandardCharsets.UTF_8)).isEqualTo(payload);
    assertThat(new String(raw.formatRequest(List.of(new io.aiperf.api.spi.ChatMessage("user",
        "earlier")), t, true), StandardCharsets.UTF_8)).isEqualTo(payload);
  }
}
