package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.Endpoints;
import io.aiperf.api.MetricTag;
import io.aiperf.api.Metrics;
import io.aiperf.engine.internal.tokenizer.TiktokenProvider;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AIPerf's verbatim datasets (raw_payload, inputs_json, trace payloads and message lists with
 * tools), BurstGPT traces, single_turn role and extra, and tool calls on chat, responses and
 * messages: what the mock received and the metrics.
 */
final class PayloadDatasetsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final io.aiperf.api.spi.Tokenizer O200K =
      new TiktokenProvider().load("o200k_base");
  private static final MetricTag USAGE_COMPLETION = new MetricTag("usage_completion_tokens");

  private static MockLlmServer server;

  @BeforeAll
  static void start() {
    server = MockLlmServer.start(MockServerOptions.builder().port(0).ttft(Duration.ofMillis(2))
        .itl(Duration.ofMillis(1)).recordRequests(10_000).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<ReceivedRequest> received(String path, long since) {
    List<ReceivedRequest> got = new ArrayList<>();
    for (ReceivedRequest r : server.receivedRequests()) {
      if (r.path().equals(path) && r.arrivalNanos() >= since) {
        got.add(r);
      }
    }
    got.sort(Comparator.comparingLong(ReceivedRequest::arrivalNanos));
    return got;
  }

  private static long now() {
    // The mock stamps arrivals with the same monotonic clock.
    return server.receivedRequests().stream().mapToLong(ReceivedRequest::arrivalNanos).max()
        .orElse(Long.MIN_VALUE) + 1;
  }

  private static Benchmark.Builder bench(EndpointConfig endpoint, Path dir) {
    return Benchmark.builder().endpoint(endpoint.model("demo")).artifactDir(dir)
        .exporters("json");
  }

  @Test
  void rawPayload_eachLineIsSentAsWritten(@TempDir Path dir) throws Exception {
    List<String> lines = List.of(
        "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}],"
            + "\"max_tokens\":3,\"temperature\":0.25}",
        "{\"model\":\"m2\",\"messages\":[{\"role\":\"system\",\"content\":\"be short\"},"
            + "{\"role\":\"user\",\"content\":\"four five\"}],\"max_completion_tokens\":5}");
    Path file = Files.writeString(dir.resolve("raw.jsonl"), String.join("\n", lines) + "\n");
    long since = now();
    BenchmarkResult r = bench(Endpoints.openAiChat(server.baseUrl()), dir.resolve("out"))
        .requestCount(2).dataset(Datasets.file("raw_payload", file)).run();
    assertThat(r.requestsCompleted()).isEqualTo(2);
    List<ReceivedRequest> got = received("/v1/chat/completions", since);
    assertThat(got).extracting(ReceivedRequest::body).containsExactlyElementsOf(lines);
    // The lengths the bodies ask for are what the server answered and the client counted.
    assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).sum()).isEqualTo(8.0);
    assertThat(r.metric(Metrics.INPUT_SEQUENCE_LENGTH).min()).isGreaterThan(0.0);
  }

  @Test
  void rawPayload_directory_isOneSessionPerFile(@TempDir Path dir) throws Exception {
    Path sessions = Files.createDirectories(dir.resolve("sessions"));
    String t1 = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],"
        + "\"max_tokens\":2}";
    String t2 = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
        + "{\"role\":\"assistant\",\"content\":\"b\"},{\"role\":\"user\",\"content\":\"c\"}],"
        + "\"max_tokens\":2}";
    Files.writeString(sessions.resolve("a.jsonl"), t1 + "\n" + t2 + "\n");
    Files.writeString(sessions.resolve("b.jsonl"), t1 + "\n");
    Files.writeString(sessions.resolve("notes.txt"), "not a session");
    long since = now();
    BenchmarkResult r = bench(Endpoints.openAiChat(server.baseUrl()), dir.resolve("out"))
        .numSessions(2).concurrency(1).dataset(Datasets.file("raw_payload", sessions)).run();
    assertThat(r.requestsCompleted()).isEqualTo(3);
    // The second turn is sent as its author wrote it: no reply is added to its history.
    assertThat(received("/v1/chat/completions", since)).extracting(ReceivedRequest::body)
        .containsExactlyInAnyOrder(t1, t2, t1);
  }

  @Test
  void rawPayload_withoutMessages_failsNamingTheLine(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("raw.jsonl"), "{\"model\":\"m\"}\n");
    assertThatThrownBy(() -> bench(Endpoints.openAiChat(server.baseUrl()), dir)
        .requestCount(1).dataset(Datasets.file("raw_payload", file)).run())
        .hasMessageContaining("raw.jsonl line 1: a raw_payload line needs a 'messages' list");
  }

  @Test
  void inputsJson_replaysARunsPayloadsExactly(@TempDir Path dir) throws Exception {
    Path first = dir.resolve("first");
    bench(Endpoints.openAiChat(server.baseUrl()).streaming(true), first).requestCount(4)
        .concurrency(1).dataset(Datasets.synthetic().inputTokens(20, 0).outputTokens(4, 0)
            .entries(4).seed(9)).run();
    JsonNode written = JSON.readTree(first.resolve("inputs.json").toFile());
    List<String> payloads = new ArrayList<>();
    written.get("data").forEach(s -> s.get("payloads").forEach(p -> payloads.add(p.toString())));
    assertThat(payloads).hasSize(4);

    long since = now();
    // Replayed against a streaming-off config: the payloads say stream, and are sent as they are.
    BenchmarkResult replay = bench(Endpoints.openAiChat(server.baseUrl()), dir.resolve("again"))
        .requestCount(4).concurrency(1)
        .dataset(Datasets.file("inputs_json", first.resolve("inputs.json"))).run();
    assertThat(replay.requestsCompleted()).isEqualTo(4);
    assertThat(received("/v1/chat/completions", since)).extracting(ReceivedRequest::body)
        .containsExactlyElementsOf(payloads);
    // The streamed answers were read as streams: 4 tokens each, a TTFT each.
    assertThat(replay.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(4.0);
    assertThat(replay.metric(Metrics.TTFT).count()).isEqualTo(4);
    // And the replay's own inputs.json is the same file's data.
    assertThat(JSON.readTree(dir.resolve("again/inputs.json").toFile()).get("data"))
        .isEqualTo(written.get("data"));
  }

  @Test
  void inputsJson_duplicateSession_failsNamingIt(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("inputs.json"), "{\"data\": ["
        + "{\"session_id\": \"s\", \"payloads\": [{\"messages\": []}]},"
        + "{\"session_id\": \"s\", \"payloads\": [{\"messages\": []}]}]}");
    assertThatThrownBy(() -> bench(Endpoints.openAiChat(server.baseUrl()), dir)
        .requestCount(1).dataset(Datasets.file("inputs_json", file)).run())
        .hasMessageContaining("inputs.json: data[1] repeats session_id 's'");
  }

  @Test
  void rawEndpoint_sendsToTheUrlAsGiven_andReadsAnswersByShape(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("raw.jsonl"),
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
            + "\"max_tokens\":6,\"stream\":true}\n"
        + "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"max_tokens\":6}\n");
    long since = now();
    BenchmarkResult r = bench(Endpoints.of("raw", server.baseUrl() + "/v1/chat/completions")
        .streaming(true), dir.resolve("out")).requestCount(2).concurrency(1)
        .dataset(Datasets.file("raw_payload", file)).run();
    assertThat(r.requestsFailed()).isZero();
    assertThat(r.requestsCompleted()).isEqualTo(2);
    assertThat(received("/v1/chat/completions", since)).hasSize(2);
    // Streamed deltas and a whole message alike: 6 tokens of text each.
    assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(6.0);
  }

  @Test
  void rawEndpoint_responseField_picksTheAnswer_elseFallsBackToItsShape(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("raw.jsonl"),
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
            + "\"max_tokens\":6}\n");
    String url = server.baseUrl() + "/v1/chat/completions";
    // The field names the answer's model (one token) rather than its six generated tokens.
    BenchmarkResult picked = bench(Endpoints.of("raw", url).extraInput("response_field", "model"),
        dir.resolve("picked")).requestCount(2).concurrency(1)
        .dataset(Datasets.file("raw_payload", file)).run();
    assertThat(picked.requestsFailed()).isZero();
    assertThat(picked.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(1.0);
    // A path that matches nothing: the answer is read by shape, as AIPerf falls back.
    BenchmarkResult missed = bench(Endpoints.of("raw", url)
        .extraInput("response_field", "choices[3].message.content"), dir.resolve("missed"))
        .requestCount(2).concurrency(1).dataset(Datasets.file("raw_payload", file)).run();
    assertThat(missed.requestsFailed()).isZero();
    assertThat(missed.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(6.0);
    assertThatThrownBy(() -> bench(Endpoints.of("raw", url)
        .extraInput("response_field", "choices[*].message.content"), dir.resolve("bad"))
        .requestCount(1).dataset(Datasets.file("raw_payload", file)).run())
        .hasMessageContaining("response_field was 'choices[*].message.content' but '[*]' is a"
            + " JMESPath wildcard projection");
  }

  @Test
  void rawEndpoint_withoutRawPayloads_failsSayingWhatItNeeds(@TempDir Path dir) {
    assertThatThrownBy(() -> bench(Endpoints.of("raw", server.baseUrl()), dir).requestCount(1)
        .dataset(Datasets.synthetic().inputTokens(8, 0)).run())
        .hasMessageContaining("use --custom-dataset-type raw_payload or inputs_json");
  }

  @Test
  void burstGptTrace_replaysRowsAtTheirTimestamps(@TempDir Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("burst.csv"), String.join("\n",
        "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type",
        "5,ChatGPT,30,4,34,Conversation log",
        "5.2,GPT-4,12,3,15,API log",
        "5.25,ChatGPT,not-a-number,3,3,Conversation log",
        "5.6,ChatGPT,20,2,22,Conversation log") + "\n");
    long since = now();
    BenchmarkResult r = bench(Endpoints.openAiChat(server.baseUrl()), dir.resolve("out"))
        .dataset(Datasets.file("burst_gpt_trace", csv)).fixedScheduleAutoOffset(true).run();
    assertThat(r.requestsCompleted()).isEqualTo(3); // the bad row is skipped
    List<ReceivedRequest> got = received("/v1/chat/completions", since);
    assertThat(got).hasSize(3);
    List<Integer> asked = new ArrayList<>();
    List<Integer> prompts = new ArrayList<>();
    for (ReceivedRequest g : got) {
      JsonNode body = JSON.readTree(g.body());
      asked.add(body.get("max_completion_tokens").asInt());
      prompts.add(O200K.count(body.at("/messages/0/content").asText()));
    }
    assertThat(asked).containsExactly(4, 3, 2);
    assertThat(prompts).containsExactly(30, 12, 20);
    // 200 ms then 400 ms apart, as the trace's seconds say.
    double gap1 = (got.get(1).arrivalNanos() - got.get(0).arrivalNanos()) / 1e6;
    double gap2 = (got.get(2).arrivalNanos() - got.get(1).arrivalNanos()) / 1e6;
    assertThat(gap1).isBetween(150.0, 300.0);
    assertThat(gap2).isBetween(350.0, 500.0);
  }

  @Test
  void singleTurn_roleAndExtra_shapeTheBody(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("single.jsonl"),
        "{\"text\": \"summarise this\", \"role\": \"developer\", \"output_length\": 9,"
            + " \"extra\": {\"temperature\": 0.1, \"max_completion_tokens\": 5, \"top_k\": 3}}\n");
    long since = now();
    BenchmarkResult r = bench(Endpoints.openAiChat(server.baseUrl()).extraInput("top_k", 50),
        dir.resolve("out")).requestCount(1).dataset(Datasets.singleTurn(file)).run();
    JsonNode body = JSON.readTree(received("/v1/chat/completions", since).get(0).body());
    assertThat(body.at("/messages/0/role").asText()).isEqualTo("developer");
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.1);
    // The turn's extra is merged last: over the output length and over --extra-inputs.
    assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(5);
    assertThat(body.get("top_k").asInt()).isEqualTo(3);
    assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).avg()).isEqualTo(5.0);
  }

  /**
   * A trace session whose lines carry whole message lists (each with the earlier replies written
   * in) is sent line by line as written, as AIPerf's loader sends it
   * (message_array_with_responses): no history, no live reply, put before the second line.
   */
  @Test
  void mooncakeMessagesSession_eachTurnIsSentAsWritten_withoutHistory(@TempDir Path dir)
      throws Exception {
    String first = "[{\"role\":\"user\",\"content\":\"one two\"}]";
    String second = "[{\"role\":\"user\",\"content\":\"one two\"},{\"role\":\"assistant\","
        + "\"content\":\"written reply\"},{\"role\":\"user\",\"content\":\"three\"}]";
    Path file = Files.writeString(dir.resolve("trace.jsonl"),
        "{\"session_id\": \"s1\", \"messages\": " + first + ", \"output_length\": 3}\n"
        + "{\"session_id\": \"s1\", \"delay\": 0, \"messages\": " + second
        + ", \"output_length\": 3}\n");
    long since = now();
    BenchmarkResult r = bench(Endpoints.openAiChat(server.baseUrl()), dir.resolve("out"))
        .requestCount(2).concurrency(1).dataset(Datasets.mooncakeTrace(file)).run();
    assertThat(r.requestsFailed()).isZero();
    List<ReceivedRequest> got = received("/v1/chat/completions", since);
    assertThat(got).hasSize(2);
    assertThat(JSON.readTree(got.get(0).body()).get("messages")).isEqualTo(JSON.readTree(first));
    assertThat(JSON.readTree(got.get(1).body()).get("messages")).isEqualTo(JSON.readTree(second));
    // The input counted is the turn's own messages, not a history on top.
    assertThat(r.metric(Metrics.INPUT_SEQUENCE_LENGTH)).satisfies(isl -> {
      assertThat(isl.count()).as("both turns counted").isEqualTo(2);
      assertThat(isl.max()).isEqualTo(O200K.count("one two written reply three"));
    });
  }

  @Test
  void mooncakeSession_mixingMessagesAndSynthesizedPrompts_failsNamingTheSession(
      @TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("trace.jsonl"),
        "{\"session_id\": \"s1\", \"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}\n"
        + "{\"session_id\": \"s1\", \"input_length\": 10, \"output_length\": 2}\n");
    assertThatThrownBy(() -> bench(Endpoints.openAiChat(server.baseUrl()), dir.resolve("out"))
        .requestCount(2).dataset(Datasets.mooncakeTrace(file)).run())
        .hasMessageContaining("mooncake_trace session 's1' mixes 'messages' lines with"
            + " synthesized prompts");
  }

  private static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":"
      + "\"get_weather\",\"description\":\"weather in a city\",\"parameters\":{\"type\":"
      + "\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

  private static Path toolTrace(Path dir) throws Exception {
    return Files.writeString(dir.resolve("tools.jsonl"), String.join("\n",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"use tools\"}, {\"role\": \"user\","
            + " \"content\": \"weather in Paris?\"}], \"tools\": " + TOOLS
            + ", \"output_length\": 12}",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"and in Rome?\"}], \"tools\": "
            + TOOLS + ", \"output_length\": 12}") + "\n");
  }

  @Test
  void chatToolCalls_traceToolsAreSent_andTheCallsAreCountedAsOutput(@TempDir Path dir)
      throws Exception {
    long since = now();
    BenchmarkResult r = bench(Endpoints.openAiChat(server.baseUrl()).streaming(true),
        dir.resolve("out")).requestCount(2).concurrency(1).exportOutputsJson(true)
        .dataset(Datasets.mooncakeTrace(toolTrace(dir))).run();
    assertThat(r.requestsFailed()).isZero();
    JsonNode body = JSON.readTree(received("/v1/chat/completions", since).get(0).body());
    assertThat(body.get("tools")).isEqualTo(JSON.readTree(TOOLS));
    assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(body.at("/messages/1/content").asText()).isEqualTo("weather in Paris?");
    // Every request's first token is its tool call's first delta, and the call's name and
    // arguments are its output, counted by the tokenizer as AIPerf counts them.
    assertThat(r.metric(Metrics.TTFT).count()).isEqualTo(2);
    assertThat(r.metric(USAGE_COMPLETION).avg()).isEqualTo(12.0);
    JsonNode outputs = JSON.readTree(dir.resolve("out/outputs.json").toFile()).get("data");
    assertThat(outputs).hasSize(2);
    for (JsonNode o : outputs) {
      String text = o.get("response_text").asText();
      assertThat(text).startsWith("get_weather{\"input\":\"").endsWith("\"}");
      assertThat(o.at("/metrics/output_sequence_length").asInt()).isEqualTo(O200K.count(text));
    }
  }

  @Test
  void responsesAndMessagesToolCalls_streamed_areCountedAsOutput(@TempDir Path dir)
      throws Exception {
    for (String type : new String[] {"responses", "messages"}) {
      long since = now();
      BenchmarkResult r = bench(Endpoints.of(type, server.baseUrl()).streaming(true),
          dir.resolve(type)).requestCount(2).concurrency(1)
          .dataset(Datasets.mooncakeTrace(toolTrace(dir))).run();
      assertThat(r.requestsFailed()).as(type).isZero();
      String path = type.equals("responses") ? "/v1/responses" : "/v1/messages";
      JsonNode body = JSON.readTree(received(path, since).get(0).body());
      assertThat(body.get("tools")).as(type).isEqualTo(JSON.readTree(TOOLS));
      assertThat(r.metric(Metrics.TTFT).count()).as(type).isEqualTo(2);
      assertThat(r.metric(USAGE_COMPLETION).avg()).as(type).isEqualTo(12.0);
      // The arguments' fragments are the output: at least one token per streamed word.
      assertThat(r.metric(Metrics.OUTPUT_SEQUENCE_LENGTH).min()).as(type)
          .isGreaterThanOrEqualTo(12.0);
    }
  }
}
