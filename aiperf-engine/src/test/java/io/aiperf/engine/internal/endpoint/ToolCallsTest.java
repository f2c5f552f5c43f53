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

  private static List<byte[]> bytes(String... responses) {
    return java.util.Arrays.stream(responses).map(r -> r.getBytes(StandardCharsets.UTF_8))
        .toList();
  }

  private static JsonNode whole(io.aiperf.api.spi.ChatMessage m) throws Exception {
    return Json.MAPPER.readTree(java.util.Objects.requireNonNull(m.message()));
  }

  @Test
  void chatReply_legacyFunctionCallDeltas_joinIntoOneToolCall() throws Exception {
    var reply = RawPayloads.wrap(CHAT).replyMessages(bytes(
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"content\":\"ok \","
            + "\"function_call\":{\"name\":\"f\",\"arguments\":\"{\\\"a\"}}}]}",
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"function_call\":"
            + "{\"arguments\":\"\\\":1}\"}}}]}", "[DONE]"));
    assertThat(reply).hasSize(1);
    JsonNode m = whole(reply.get(0));
    assertThat(m.get("content").asText()).isEqualTo("ok ");
    assertThat(m.at("/tool_calls/0/type").asText()).isEqualTo("function");
    assertThat(m.at("/tool_calls/0/function/name").asText()).isEqualTo("f");
    assertThat(m.at("/tool_calls/0/function/arguments").asText()).isEqualTo("{\"a\":1}");
    // Formats without a message list get the text it stands for.
    assertThat(reply.get(0).content()).isEqualTo("ok f{\"a\":1}");
  }

  @Test
  void reply_withoutTools_isText_reasoningWhenThereIsNoContent_noneWhenEmpty() {
    var reply = CHAT.replyMessages(bytes(
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"reasoning_content\""
            + ":\"think \"}}]}",
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"content\":\"done\"}}]}"));
    assertThat(reply).containsExactly(new io.aiperf.api.spi.ChatMessage("assistant", "think done"));
    assertThat(CHAT.replyMessages(bytes("[DONE]"))).isEmpty();
  }

  @Test
  void messagesReply_wholeMessage_keepsThinkingTextAndToolUseInOrder() throws Exception {
    var reply = MESSAGES.replyMessages(bytes("{\"type\":\"message\",\"content\":["
        + "{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"f\",\"input\":{\"a\":1}},"
        + "{\"type\":\"text\",\"text\":\"hi\"},"
        + "{\"type\":\"thinking\",\"thinking\":\"hm\",\"signature\":\"sig\"}]}"));
    JsonNode content = whole(reply.get(0)).get("content");
    assertThat(content).extracting(b -> b.get("type").asText())
        .containsExactly("thinking", "text", "tool_use");
    assertThat(content.get(0).get("signature").asText()).isEqualTo("sig");
    assertThat(content.get(2).get("input").get("a").asInt()).isEqualTo(1);
    // Messages given back as history are sent as they are.
    JsonNode body = Json.MAPPER.readTree(MESSAGES.formatRequest(reply, new Turn(List.of("next"),
        0), false));
    assertThat(body.at("/messages/0")).isEqualTo(whole(reply.get(0)));
    assertThat(body.at("/messages/1/content").asText()).isEqualTo("next");
  }

  @Test
  void responsesReply_unionOfCompletedAndDoneItems_failuresKeepTheTextOnly() throws Exception {
    var reply = RESPONSES.replyMessages(bytes(
        "{\"type\":\"response.output_item.done\",\"item\":{\"type\":\"function_call\","
            + "\"id\":\"fc_2\",\"name\":\"g\",\"arguments\":\"{}\"}}",
        "{\"type\":\"response.output_item.done\",\"item\":{\"type\":\"reasoning\",\"id\":\"r\"}}",
        "{\"type\":\"response.completed\",\"response\":{\"output\":[{\"type\":\"function_call\","
            + "\"id\":\"fc_1\",\"name\":\"f\",\"arguments\":\"{}\"}]}}"));
    assertThat(reply).extracting(m -> m.content()).containsExactly("f{}", "g{}", "");
    // Reasoning items are output the API does not take back as input: dropped when sent.
    JsonNode input = Json.MAPPER.readTree(RESPONSES.formatRequest(reply, new Turn(List.of("n"),
        0), false)).get("input");
    assertThat(input).extracting(i -> i.path("id").asText()).containsExactly("fc_1", "fc_2", "");
    assertThat(RESPONSES.replyMessages(bytes(
        "{\"type\":\"response.output_text.delta\",\"delta\":\"partial\"}",
        "{\"type\":\"response.failed\",\"response\":{\"output\":[{\"type\":\"message\"}]}}")))
        .containsExactly(new io.aiperf.api.spi.ChatMessage("assistant", "partial"));
  }
}
