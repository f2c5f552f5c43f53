package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.Endpoints;
import io.aiperf.api.MetricTag;
import io.aiperf.api.Metrics;
import io.aiperf.api.SyntheticDataset;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.ReceivedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AIPerf's embeddings variants, image and transcription endpoints against the mock, over plain
 * HTTP, HTTPS and HTTP/2: the body the server received (JSON or multipart), and the metrics.
 */
@ParameterizedClass
@EnumSource(Scheme.class)
final class MediaEndpointsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REQUESTS = 6;

  private static MockLlmServer server;

  @Parameter Scheme scheme;

  @BeforeParameterizedClassInvocation
  static void start(Scheme scheme) {
    server = MockLlmServer.start(scheme.server(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(5)).itl(Duration.ofMillis(2)).recordRequests(1_000).seed(3))
        .build());
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  private BenchmarkResult run(String type, boolean streaming, SyntheticDataset dataset,
      Path dir) {
    EndpointConfig endpoint = scheme.endpoint(Endpoints.of(type, server.baseUrl()), server)
        .model("demo").streaming(streaming);
    return Benchmark.builder().endpoint(endpoint).concurrency(2).requestCount(REQUESTS)
        .artifactDir(dir).dataset(dataset.seed(5)).run();
  }

  private static SyntheticDataset withImages() {
    return Datasets.synthetic().inputTokens(10, 0).images(16, 0, 12, 0).imageFormat("png", 1);
  }

  private List<ReceivedRequest> received(String path) {
    List<ReceivedRequest> all = server.receivedRequests().stream()
        .filter(r -> r.path().equals(path)).toList();
    all.forEach(r -> assertThat(r.protocol()).isEqualTo(scheme.protocol()));
    return all;
  }

  private JsonNode lastBody(String path) throws IOException {
    List<ReceivedRequest> all = received(path);
    return JSON.readTree(all.get(all.size() - 1).body());
  }

  private static void assertNoTokenMetrics(BenchmarkResult r, String title) {
    assertThat(r.requestsFailed()).as("%s", r.errors()).isZero();
    assertThat(r.requestsCompleted()).isEqualTo(REQUESTS);
    assertThat(r.metricsTitle()).isEqualTo(title);
    assertThat(r.find(Metrics.OUTPUT_SEQUENCE_LENGTH)).isEmpty();
    assertThat(r.find(Metrics.TTFT)).isEmpty();
    assertThat(r.metric(Metrics.REQUEST_LATENCY).count()).isEqualTo(REQUESTS);
    assertThat(r.metric(Metrics.REQUEST_LATENCY).min()).isGreaterThanOrEqualTo(5.0);
  }

  @Test
  void chatEmbeddings_sendAChatBodyWithItsImage_andReadEmbeddings(@TempDir Path dir)
      throws Exception {
    BenchmarkResult r = run("chat_embeddings", false, withImages(), dir);
    assertNoTokenMetrics(r, "Embeddings Metrics");
    JsonNode body = lastBody("/v1/embeddings");
    JsonNode parts = body.at("/messages/0/content");
    assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
    assertThat(parts.get(0).get("type").asText()).isEqualTo("text");
    assertThat(parts.get(1).at("/image_url/url").asText()).startsWith("data:image/png;base64,");
    assertThat(body.get("stream").asBoolean()).isFalse();
    assertThat(body.has("input")).isFalse();
  }

  @Test
  void nimEmbeddings_pairEachTextWithItsImage(@TempDir Path dir) throws Exception {
    BenchmarkResult r = run("nim_embeddings", false, withImages(), dir);
    assertNoTokenMetrics(r, "NIM Embeddings Metrics");
    JsonNode input = lastBody("/v1/embeddings").get("input");
    assertThat(input).hasSize(1);
    assertThat(input.get(0).asText()).matches("(?s)\\S.* data:image/png;base64,\\S+");
  }

  @Test
  void imageGeneration_wholeAndStreamed(@TempDir Path dir) throws Exception {
    BenchmarkResult whole = run("image_generation", false,
        Datasets.synthetic().inputTokens(10, 0), dir.resolve("whole"));
    assertNoTokenMetrics(whole, "Image Generation Metrics");
    JsonNode body = lastBody("/v1/images/generations");
    assertThat(body.get("prompt").asText()).isNotBlank();
    assertThat(body.get("model").asText()).isEqualTo("demo");
    assertThat(body.get("response_format").asText()).isEqualTo("b64_json");
    assertThat(body.get("n").asInt()).isEqualTo(1);
    assertThat(body.has("stream")).isFalse();
    // The server's image usage (input_tokens: the prompt's words, as the mock counts) is read.
    var usage = whole.metric(new io.aiperf.api.MetricTag("usage_prompt_tokens"));
    assertThat(usage.count()).isEqualTo(REQUESTS);
    assertThat(usage.min()).isBetween(5.0, 10.0);

    BenchmarkResult streamed = run("image_generation", true,
        Datasets.synthetic().inputTokens(10, 0), dir.resolve("streamed"));
    assertNoTokenMetrics(streamed, "Image Generation Metrics");
    assertThat(lastBody("/v1/images/generations").get("stream").asBoolean()).isTrue();
    // inputs.json holds each payload as sent.
    JsonNode inputs = JSON.readTree(Files.readString(dir.resolve("streamed/inputs.json")));
    assertThat(inputs.at("/data/0/payloads/0/response_format").asText()).isEqualTo("b64_json");
  }

  @Test
  void imageEdit_uploadsTheImageAsMultipart(@TempDir Path dir) throws Exception {
    BenchmarkResult r = run("image_edit", false, withImages(), dir);
    // The mock refuses an upload that is not an image file: every request passing proves the
    // PNG arrived whole.
    assertNoTokenMetrics(r, "Image Edit Metrics");
    // AIPerf's image metrics: one image per request, over each request's latency.
    assertThat(r.metric(new MetricTag("num_images")).avg()).isEqualTo(1.0);
    double latencyMs = r.metric(Metrics.REQUEST_LATENCY).avg();
    assertThat(r.metric(new MetricTag("image_latency")).avg()).isCloseTo(latencyMs,
        org.assertj.core.data.Offset.offset(1e-6));
    assertThat(r.metric(new MetricTag("image_throughput")).count()).isEqualTo(REQUESTS);
    assertThat(r.metric(new MetricTag("image_throughput")).max())
        .isCloseTo(1000.0 / r.metric(Metrics.REQUEST_LATENCY).min(),
            org.assertj.core.data.Offset.offset(1e-6));
    ReceivedRequest req = received("/v1/images/edits").get(0);
    assertThat(req.headers().get("content-type")).startsWith("multipart/form-data; boundary=");
    assertThat(req.body()).contains("name=\"prompt\"").contains("name=\"model\"\r\n\r\ndemo")
        .contains("name=\"response_format\"\r\n\r\nb64_json")
        .contains("name=\"image\"; filename=\"image.png\"\r\nContent-Type: image/png");
    // inputs.json has AIPerf's JSON form of the upload, not the multipart bytes.
    JsonNode payload = JSON.readTree(Files.readString(dir.resolve("inputs.json")))
        .at("/data/0/payloads/0");
    assertThat(payload.at("/image/filename").asText()).isEqualTo("image.png");
    assertThat(payload.at("/image/content_type").asText()).isEqualTo("image/png");
    assertThat(payload.at("/image/b64_data").asText()).startsWith("iVBORw0KGgo");
  }

  @Test
  void audioTranscription_uploadsTheClip_andReadsTheTranscript(@TempDir Path dir)
      throws Exception {
    BenchmarkResult r = run("audio_transcription", false,
        Datasets.synthetic().inputTokens(10, 0).audio(2.0, 0), dir);
    assertNoTokenMetrics(r, "Audio Transcription Metrics");
    // AIPerf's ASR metrics: the clip's length from its WAV header, and how much faster than
    // real time it was transcribed.
    assertThat(r.metric(new MetricTag("audio_duration")).avg()).isCloseTo(2.0,
        org.assertj.core.data.Offset.offset(0.01));
    assertThat(r.metric(new MetricTag("rtfx")).min())
        .isCloseTo(2000.0 / r.metric(Metrics.REQUEST_LATENCY).max(),
            org.assertj.core.data.Offset.offset(0.05));
    ReceivedRequest req = received("/v1/audio/transcriptions").get(0);
    assertThat(req.headers().get("content-type")).startsWith("multipart/form-data; boundary=");
    assertThat(req.body()).contains("name=\"file\"; filename=\"audio.wav\"\r\n"
        + "Content-Type: audio/wav\r\n\r\nRIFF").contains("name=\"model\"\r\n\r\ndemo");
    // The mock transcribes 2.5 words per second: 5 words for each 2-second clip.
    Path records = dir.resolve("profile_export.jsonl");
    assertThat(Files.readAllLines(records)).hasSize(REQUESTS);
  }
}
