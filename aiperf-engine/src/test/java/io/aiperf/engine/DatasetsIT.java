package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.engine.internal.tokenizer.TiktokenProvider;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.ReceivedRequest;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each dataset type end to end against the mock server: the payloads in inputs.json, what the
 * server received, and when.
 */
final class DatasetsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final io.aiperf.api.spi.Tokenizer O200K =
      new TiktokenProvider().load("o200k_base");

  private static MockLlmServer mock() {
    return MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
        .ttft(Duration.ofMillis(2)).itl(Duration.ofMillis(1)).recordRequests(1_000).build());
  }

  private static Benchmark.Builder bench(MockLlmServer server, Path artifacts) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo"))
        .artifactDir(artifacts).exporters("json");
  }

  private static JsonNode inputs(Path artifacts) throws Exception {
    return JSON.readTree(artifacts.resolve("inputs.json").toFile()).get("data");
  }

  private static List<ReceivedRequest> byArrival(MockLlmServer server) {
    List<ReceivedRequest> got = new ArrayList<>(server.receivedRequests());
    got.sort(Comparator.comparingLong(ReceivedRequest::arrivalNanos));
    return got;
  }

  private static String userText(JsonNode body) {
    JsonNode messages = body.get("messages");
    return messages.get(messages.size() - 1).get("content").asText();
  }

  private static void assertOffsets(List<ReceivedRequest> got, long... expectedMs) {
    // From the second request on: the first one also opens the connection and runs cold code.
    long t1 = got.get(1).arrivalNanos();
    for (int i = 2; i < got.size(); i++) {
      double offsetMs = (got.get(i).arrivalNanos() - t1) / 1e6;
      assertThat(offsetMs).as("request %d", i)
          .isBetween(expectedMs[i] - expectedMs[1] - 5.0, expectedMs[i] - expectedMs[1] + 80.0);
    }
  }

  @Test
  void mooncakeTrace_replaysAtItsTimestamps_withSharedPrefixBlocks(@TempDir Path dir)
      throws Exception {
    Path trace = Files.writeString(dir.resolve("mooncake.jsonl"), String.join("\n",
        "{\"timestamp\": 0, \"input_length\": 40, \"output_length\": 3, \"hash_ids\": [1, 2, 3]}",
        "{\"timestamp\": 200, \"input_length\": 40, \"output_length\": 4, \"hash_ids\": [1, 2, 4]}",
        "{\"timestamp\": 250, \"input_length\": 20, \"output_length\": 5, \"hash_ids\": [5, 6]}",
        "{\"timestamp\": 600, \"input_length\": 16, \"output_length\": 6, \"hash_ids\": [1]}"));
    Path artifacts = dir.resolve("out");
    try (MockLlmServer server = mock()) {
      BenchmarkResult r = bench(server, artifacts)
          .dataset(Datasets.mooncakeTrace(trace).blockSize(16)).run();
      assertThat(r.requestsCompleted()).isEqualTo(4);
      JsonNode data = inputs(artifacts);
      assertThat(data).hasSize(4);
      List<String> prompts = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        JsonNode payload = data.get(i).get("payloads").get(0);
        assertThat(payload.get("max_completion_tokens").asInt()).isEqualTo(3 + i);
        prompts.add(userText(payload));
      }
      assertThat(prompts).extracting(O200K::count).containsExactly(40, 40, 20, 16);
      // Ids 1 and 2 are the same 32 tokens in the first two prompts; id 1 alone is the fourth.
      assertThat(prompts.get(1)).startsWith(prompts.get(3));
      assertThat(prompts.get(0)).startsWith(prompts.get(3));
      int[] a = O200K.encode(prompts.get(0));
      int[] b = O200K.encode(prompts.get(1));
      assertThat(java.util.Arrays.copyOf(a, 32)).containsExactly(java.util.Arrays.copyOf(b, 32));
      List<ReceivedRequest> got = byArrival(server);
      assertThat(got).extracting(q -> userText(JSON.readTree(q.body()))).containsExactlyElementsOf(
          prompts);
      assertOffsets(got, 0, 200, 250, 600);
    }
  }

  @Test
  void ignoreTraceDelays_sendsATraceAtTheLoadSettings_notItsTimestamps(@TempDir Path dir)
      throws Exception {
    // Two seconds of trace; with its timing dropped, four slots send all four at once.
    Path trace = Files.writeString(dir.resolve("mooncake.jsonl"), String.join("\n",
        "{\"timestamp\": 0, \"input_length\": 16, \"output_length\": 2, \"hash_ids\": [1]}",
        "{\"timestamp\": 700, \"input_length\": 16, \"output_length\": 2, \"hash_ids\": [2]}",
        "{\"timestamp\": 1400, \"input_length\": 16, \"output_length\": 2, \"hash_ids\": [3]}",
        "{\"timestamp\": 2100, \"input_length\": 16, \"output_length\": 2, \"hash_ids\": [4]}"));
    try (MockLlmServer server = mock()) {
      BenchmarkResult r = bench(server, dir.resolve("out")).concurrency(4)
          .dataset(Datasets.mooncakeTrace(trace).blockSize(16).ignoreTraceDelays()).run();
      assertThat(r.requestsCompleted()).isEqualTo(4);
      List<ReceivedRequest> got = byArrival(server);
      double spreadMs = (got.get(3).arrivalNanos() - got.get(0).arrivalNanos()) / 1e6;
      assertThat(spreadMs).isLessThan(1_000.0);
      // No intended send times: a closed loop, not a replay.
      assertThat(r.metricsByTag()).doesNotContainKey("schedule_lateness");
    }
  }

  @Test
  void bailianTrace_secondsAreReplayedAsMillis(@TempDir Path dir) throws Exception {
    Path trace = Files.writeString(dir.resolve("bailian.jsonl"), String.join("\n",
        "{\"chat_id\": 1, \"parent_chat_id\": -1, \"timestamp\": 10.0, \"input_length\": 20,"
            + " \"output_length\": 2, \"type\": \"text\", \"turn\": 1, \"hash_ids\": [1, 2]}",
        "{\"chat_id\": 2, \"parent_chat_id\": -1, \"timestamp\": 10.1, \"input_length\": 16,"
            + " \"output_length\": 2, \"type\": \"text\", \"turn\": 1, \"hash_ids\": [7]}",
        "{\"chat_id\": 3, \"parent_chat_id\": 1, \"timestamp\": 10.45, \"input_length\": 40,"
            + " \"output_length\": 2, \"type\": \"text\", \"turn\": 2, \"hash_ids\": [1, 2, 8]}"));
    Path artifacts = dir.resolve("out");
    try (MockLlmServer server = mock()) {
      BenchmarkResult r = bench(server, artifacts).dataset(Datasets.bailianTrace(trace))
          .fixedScheduleAutoOffset(true).run();
      assertThat(r.requestsCompleted()).isEqualTo(3);
      JsonNode data = inputs(artifacts);
      assertThat(data).extracting(d -> d.get("session_id").asText())
          .containsExactly("1_1", "2_1", "1_2");
      String first = userText(data.get(0).get("payloads").get(0));
      String followUp = userText(data.get(2).get("payloads").get(0));
      assertThat(O200K.count(followUp)).isEqualTo(40);
      // Block 1 is whole in both; block 2 is short in the first request, whole in the follow-up.
      int[] a = O200K.encode(first);
      int[] b = O200K.encode(followUp);
      assertThat(java.util.Arrays.copyOf(b, 16)).containsExactly(java.util.Arrays.copyOf(a, 16));
      assertThat(java.util.Arrays.copyOfRange(b, 16, 32))
          .isNotEqualTo(java.util.Arrays.copyOf(b, 16));
      assertOffsets(byArrival(server), 0, 100, 450);
    }
  }

  @Test
  void randomPool_drawsCombinedEntries_withReplacement(@TempDir Path dir) throws Exception {
    Path pools = Files.createDirectories(dir.resolve("pools"));
    Files.writeString(pools.resolve("1.jsonl"), "{\"text\": \"q1\"}\n{\"text\": \"q2\"}\n");
    Files.writeString(pools.resolve("2.jsonl"), "{\"text\": \"p1\"}\n{\"text\": \"p2\"}\n");
    Path artifacts = dir.resolve("out");
    try (MockLlmServer server = mock()) {
      BenchmarkResult r = bench(server, artifacts)
          .dataset(Datasets.randomPool(pools).entries(5)).requestCount(8).concurrency(2).run();
      assertThat(r.requestsCompleted()).isEqualTo(8);
      JsonNode data = inputs(artifacts);
      assertThat(data).hasSize(5);
      for (JsonNode d : data) {
        JsonNode content = d.get("payloads").get(0).get("messages").get(0).get("content");
        assertThat(content).hasSize(2);
        assertThat(content.get(0).get("text").asText()).isIn("q1", "q2");
        assertThat(content.get(1).get("text").asText()).isIn("p1", "p2");
      }
      assertThat(server.receivedRequests()).hasSize(8);
    }
  }

  @Test
  void multiTurn_inputsHoldEveryTurn_andSequentialSamplingKeepsFileOrder(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("multi.jsonl"), String.join("\n",
        "{\"session_id\": \"s1\", \"turns\": [{\"text\": \"a1\"}, {\"text\": \"a2\"}]}",
        "{\"session_id\": \"s2\", \"turns\": [{\"text\": \"b1\", \"max_tokens\": 3}]}"));
    Path artifacts = dir.resolve("out");
    try (MockLlmServer server = mock()) {
      bench(server, artifacts).dataset(Datasets.multiTurn(file)).concurrency(1).run();
      JsonNode data = inputs(artifacts);
      assertThat(data.get(0).get("payloads")).extracting(DatasetsIT::userText)
          .containsExactly("a1", "a2");
      assertThat(data.get(1).get("payloads").get(0).get("max_completion_tokens").asInt())
          .isEqualTo(3);
      assertThat(byArrival(server)).extracting(q -> userText(JSON.readTree(q.body())))
          .containsExactly("a1", "a2", "b1");
    }
    Path single = Files.writeString(dir.resolve("single.jsonl"),
        "{\"text\": \"x\"}\n{\"text\": \"y\"}\n{\"text\": \"z\"}\n");
    try (MockLlmServer server = mock()) {
      bench(server, dir.resolve("out2")).dataset(Datasets.singleTurn(single)
          .samplingStrategy("sequential")).concurrency(1).requestCount(7).run();
      assertThat(byArrival(server)).extracting(q -> userText(JSON.readTree(q.body())))
          .containsExactly("x", "y", "z", "x", "y", "z", "x");
    }
  }

  @Test
  void synthetic_imagesAudioSystemPromptAndModels_areSentAsAiperfContentParts(@TempDir Path dir)
      throws Exception {
    Path artifacts = dir.resolve("out");
    try (MockLlmServer server = mock()) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).models(List.of("m1", "m2")))
          .artifactDir(artifacts).exporters("json")
          .dataset(Datasets.synthetic().inputTokens(10, 0).outputTokens(2, 0).seed(3)
              .images(24, 0, 16, 0).imageFormat("png", 2).audio(0.05, 0)
              .audioFormat("wav", List.of(8.0), List.of(16), 1, 1)
              .sharedSystemPrompt(6).entries(4))
          .requestCount(4).concurrency(1).run();
      assertThat(r.requestsCompleted()).isEqualTo(4);
      JsonNode data = inputs(artifacts);
      assertThat(data).extracting(d -> d.get("payloads").get(0).get("model").asText())
          .containsExactly("m1", "m2", "m1", "m2");
      JsonNode messages = data.get(0).get("payloads").get(0).get("messages");
      assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
      assertThat(O200K.count(messages.get(0).get("content").asText())).isEqualTo(6);
      JsonNode parts = messages.get(1).get("content");
      assertThat(parts).extracting(p -> p.get("type").asText())
          .containsExactly("text", "image_url", "image_url", "input_audio");
      String url = parts.get(1).get("image_url").get("url").asText();
      assertThat(url).startsWith("data:image/png;base64,");
      var image = javax.imageio.ImageIO.read(new ByteArrayInputStream(
          Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1))));
      assertThat(image.getWidth()).isEqualTo(24);
      assertThat(image.getHeight()).isEqualTo(16);
      JsonNode audio = parts.get(3).get("input_audio");
      assertThat(audio.get("format").asText()).isEqualTo("wav");
      var clip = javax.sound.sampled.AudioSystem.getAudioInputStream(new ByteArrayInputStream(
          Base64.getDecoder().decode(audio.get("data").asText())));
      assertThat(clip.getFormat().getSampleRate()).isEqualTo(8000f);
      assertThat(clip.getFrameLength()).isEqualTo(400);
      assertThat(server.receivedRequests()).extracting(q -> JSON.readTree(q.body()).get("model")
          .asText()).containsOnly("m1", "m2");
    }
  }
}
