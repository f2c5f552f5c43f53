package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.Metrics;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dag_jsonl session whose first turn makes the mock call a tool and whose second turn gives the
 * tool's result: the second request carries the call as the server made it (chat
 * {@code tool_calls}, a Responses {@code function_call} item, an Anthropic {@code tool_use}
 * block), then the result as the dataset wrote it, as AIPerf 0.13 replays them.
 */
final class ToolHistoryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":"
      + "\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":"
      + "{\"type\":\"string\"}}}}}]";

  private static MockLlmServer server;

  @BeforeAll
  static void start() {
    server = MockLlmServer.start(MockServerOptions.builder().port(0).ttft(Duration.ofMillis(1))
        .itl(Duration.ofMillis(1)).recordRequests(1_000).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Runs one two-turn session and returns the two bodies the mock received, in order. */
  private static List<JsonNode> run(Path dir, String type, boolean streaming, String result)
      throws Exception {
    Path file = Files.writeString(dir.resolve(type + ".jsonl"), "{\"session_id\": \"s\","
        + " \"turns\": [{\"messages\": [{\"role\": \"user\", \"content\": \"weather in Paris?\"}],"
        + " \"tools\": " + TOOLS + ", \"max_tokens\": 6},"
        + " {\"messages\": [" + result + "], \"max_tokens\": 4}]}\n");
    String path = switch (type) {
      case "responses" -> "/v1/responses";
      case "messages" -> "/v1/messages";
      default -> "/v1/chat/completions";
    };
    long since = server.receivedRequests().stream().mapToLong(ReceivedRequest::arrivalNanos)
        .max().orElse(Long.MIN_VALUE) + 1;
    BenchmarkResult r = Benchmark.builder()
        .endpoint(Endpoints.of(type, server.baseUrl()).model("demo").streaming(streaming))
        .artifactDir(dir.resolve("out-" + type + streaming)).exporters("json")
        .concurrency(1).numSessions(1).dataset(Datasets.file("dag_jsonl", file)).run();
    assertThat(r.requestsFailed()).as(type).isZero();
    assertThat(r.metric(Metrics.REQUEST_LATENCY).count()).as(type).isEqualTo(2);
    List<ReceivedRequest> got = server.receivedRequests().stream()
        .filter(q -> q.path().equals(path) && q.arrivalNanos() >= since)
        .sorted(Comparator.comparingLong(ReceivedRequest::arrivalNanos)).toList();
    assertThat(got).as(type).hasSize(2);
    return List.of(JSON.readTree(got.get(0).body()), JSON.readTree(got.get(1).body()));
  }

  @Test
  void chat_replaysTheToolCallsAsTheAssistantsToolCalls(@TempDir Path dir) throws Exception {
    for (boolean streaming : new boolean[] {true, false}) {
      String result = "{\"role\": \"tool\", \"tool_call_id\": \"call_1\", \"content\": \"sunny\"}";
      JsonNode second = run(dir, "chat", streaming, result).get(1);
      JsonNode messages = second.get("messages");
      assertThat(messages).as("streaming=" + streaming).hasSize(3);
      assertThat(messages.get(0).get("content").asText()).isEqualTo("weather in Paris?");
      JsonNode assistant = messages.get(1);
      assertThat(assistant.get("role").asText()).isEqualTo("assistant");
      assertThat(assistant.get("content").isNull()).isTrue();
      JsonNode call = assistant.get("tool_calls").get(0);
      assertThat(call.get("id").asText()).startsWith("call_");
      assertThat(call.get("type").asText()).isEqualTo("function");
      assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
      // Streamed fragments joined into the arguments the server generated: one JSON object.
      assertThat(JSON.readTree(call.at("/function/arguments").asText()).has("input")).isTrue();
      assertThat(assistant.get("tool_calls")).hasSize(1);
      assertThat(messages.get(2)).isEqualTo(JSON.readTree(result));
      // The tools of the first turn are still offered, as AIPerf sends the latest ones.
      assertThat(second.get("tools")).isEqualTo(JSON.readTree(TOOLS));
    }
  }

  @Test
  void responses_replaysTheFunctionCallItem(@TempDir Path dir) throws Exception {
    // A dag_jsonl message needs a role (AIPerf's loader checks it too), so no bare
    // function_call_output item here: the next user message follows the call.
    String result = "{\"role\": \"user\", \"content\": \"and in Rome?\"}";
    JsonNode input = run(dir, "responses", true, result).get(1).get("input");
    assertThat(input).hasSize(3);
    assertThat(input.get(0).get("role").asText()).isEqualTo("user");
    JsonNode call = input.get(1);
    assertThat(call.get("type").asText()).isEqualTo("function_call");
    assertThat(call.get("name").asText()).isEqualTo("get_weather");
    assertThat(call.get("call_id").asText()).startsWith("call_");
    assertThat(JSON.readTree(call.get("arguments").asText()).has("input")).isTrue();
    assertThat(input.get(2)).isEqualTo(JSON.readTree(result));
  }

  @Test
  void messages_replaysTheToolUseBlock(@TempDir Path dir) throws Exception {
    String result = "{\"role\": \"user\", \"content\": [{\"type\": \"tool_result\","
        + " \"tool_use_id\": \"toolu_1\", \"content\": \"sunny\"}]}";
    JsonNode messages = run(dir, "messages", true, result).get(1).get("messages");
    assertThat(messages).hasSize(3);
    JsonNode assistant = messages.get(1);
    assertThat(assistant.get("role").asText()).isEqualTo("assistant");
    JsonNode block = assistant.get("content").get(0);
    assertThat(block.get("type").asText()).isEqualTo("tool_use");
    assertThat(block.get("name").asText()).isEqualTo("get_weather");
    assertThat(block.get("id").asText()).startsWith("toolu_");
    // input_json_delta fragments joined and read back as the object the server streamed.
    assertThat(block.get("input").isObject()).isTrue();
    assertThat(block.get("input").has("input")).isTrue();
    assertThat(messages.get(2)).isEqualTo(JSON.readTree(result));
  }

  @Test
  void aReplyWithoutToolCalls_goesBackAsText(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("plain.jsonl"), "{\"session_id\": \"s\","
        + " \"turns\": [{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
        + " \"max_tokens\": 5}, {\"messages\": [{\"role\": \"user\", \"content\": \"more\"}]}]}\n");
    long since = server.receivedRequests().stream().mapToLong(ReceivedRequest::arrivalNanos)
        .max().orElse(Long.MIN_VALUE) + 1;
    Benchmark.builder().endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo")
        .streaming(true)).artifactDir(dir.resolve("out")).exporters("json").concurrency(1)
        .numSessions(1).dataset(Datasets.file("dag_jsonl", file)).run();
    JsonNode second = server.receivedRequests().stream()
        .filter(q -> q.arrivalNanos() >= since)
        .max(Comparator.comparingLong(ReceivedRequest::arrivalNanos))
        .map(q -> {
          try {
            return JSON.readTree(q.body());
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        }).orElseThrow();
    JsonNode assistant = second.get("messages").get(1);
    assertThat(assistant.get("role").asText()).isEqualTo("assistant");
    assertThat(assistant.get("content").isTextual()).isTrue();
    assertThat(assistant.get("content").asText()).isNotEmpty();
    assertThat(assistant.has("tool_calls")).isFalse();
  }
}
