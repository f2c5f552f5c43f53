package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ExportLevel;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.ReceivedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key and the extra inputs reach the server as given, read from what the mock received: a
 * redaction that leaked onto the wire, or a key never sent, would make every request fail against
 * a real server. The artifacts of the same run still hold neither secret.
 */
final class WireCredentialsIT {
  private static final String KEY = "sk-wire-test-0123456789";
  private static final String EXTRA_SECRET = "extra-secret-98765";

  @ParameterizedTest
  @ValueSource(strings = {"chat", "completions"})
  void bearerKeyAndExtraInputsOnTheWire_redactedInArtifacts(String kind, @TempDir Path dir)
      throws IOException {
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder()
        .host("127.0.0.1").port(0).fast(true).recordRequests(100).build())) {
      Function<String, EndpointConfig> endpoint = kind.equals("chat") ? Endpoints::openAiChat
          : Endpoints::openAiCompletions;
      BenchmarkResult r = Benchmark.builder()
          .endpoint(endpoint.apply(server.baseUrl()).model("m").streaming(true).apiKey(KEY)
              .extraInput("api_key", EXTRA_SECRET).extraInput("temperature", 0.25))
          .concurrency(1).requestCount(3)
          .dataset(Datasets.synthetic().inputTokens(8, 0).outputTokens(4, 0).seed(1))
          .exportLevel(ExportLevel.RAW).artifactDir(dir).run();
      assertThat(r.requestsCompleted()).isEqualTo(3);

      List<ReceivedRequest> received = server.receivedRequests().stream()
          .filter(q -> q.path().startsWith("/v1/")).toList();
      assertThat(received).hasSize(3);
      ObjectMapper json = new ObjectMapper();
      for (ReceivedRequest q : received) {
        assertThat(q.headers()).containsEntry("authorization", "Bearer " + KEY);
        JsonNode body = json.readTree(q.body());
        assertThat(body.path("api_key").asText()).isEqualTo(EXTRA_SECRET);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.25);
      }

      List<Path> files;
      try (Stream<Path> walk = Files.walk(dir)) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      assertThat(files).isNotEmpty();
      for (Path f : files) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        assertThat(text).as(f.toString()).doesNotContain(KEY).doesNotContain(EXTRA_SECRET);
      }
    }
  }
}
