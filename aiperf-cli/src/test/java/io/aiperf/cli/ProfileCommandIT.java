package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the CLI in-process, as a user would type it. */
final class ProfileCommandIT {
  private record Run(int exitCode, String out, String err) {}

  private static Run aiperf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AiperfCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void profile_againstEmbeddedMock_printsTheTableAndWritesTheExports(@TempDir Path dir)
      throws Exception {
    Run run = aiperf("profile", "--url", "mock", "--model", "demo", "--endpoint-type", "chat",
        "--streaming", "--concurrency", "4", "--request-count", "40", "--osl", "16",
        "--isl", "64", "--mock-ttft", "5", "--mock-itl", "1", "--artifact-dir", dir.toString(),
        "--ui", "none");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("NVIDIA AIPerf | LLM Metrics", "Time to First Token (ms)",
        "Request Count (requests)", "JSON Export: " + dir.toAbsolutePath());
    JsonNode json = new ObjectMapper().readTree(dir.resolve("profile_export_aiperf.json")
        .toFile());
    assertThat(json.path("request_count").path("avg").asDouble()).isEqualTo(40.0);
    assertThat(json.path("output_sequence_length").path("avg").asDouble()).isEqualTo(16.0);
    assertThat(json.path("run_info").path("cli_command").asText())
        .startsWith("aiperf profile --url 'mock' --model 'demo'");
    assertThat(Files.exists(dir.resolve("profile_export_aiperf.csv"))).isTrue();
    assertThat(Files.readString(dir.resolve(".aiperf_results_ready.json")))
        .isEqualTo("{\"ready\":true,\"was_cancelled\":false,\"partial\":false}");
    // The run's log, as AIPerf writes it, with what happened.
    assertThat(Files.readString(dir.resolve("logs").resolve("aiperf.log")))
        .contains("profiling starts")
        .contains("Run complete: 40 sent, 40 succeeded, 0 failed, 0 cancelled");
  }

  @Test
  void traceTiming_isShownAndExportedWhenAskedFor(@TempDir Path dir) throws Exception {
    Run run = aiperf("profile", "--url", "mock", "-m", "demo", "--request-count", "6",
        "--osl", "4", "--isl", "16", "--mock-ttft", "2", "--mock-itl", "1",
        "--show-trace-timing", "--export-http-trace", "--artifact-dir", dir.toString(),
        "--ui", "none");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("HTTP Waiting (TTFB) (ms)", "HTTP Data Sent (KB)");
    assertThat(Files.readAllLines(dir.resolve("profile_export.jsonl")))
        .hasSize(6).allSatisfy(l -> assertThat(l)
            .contains("\"trace_data\":{\"trace_type\":\"netty\",", "\"blocked_ns\":"));
    Run plain = aiperf("profile", "--url", "mock", "-m", "demo", "--request-count", "3",
        "--osl", "4", "--isl", "16", "--mock-ttft", "1", "--mock-itl", "0",
        "--artifact-dir", dir.resolve("plain").toString(), "--ui", "none");
    assertThat(plain.out()).doesNotContain("HTTP Waiting");
    assertThat(Files.readString(dir.resolve("plain").resolve("profile_export.jsonl")))
        .doesNotContain("trace_data");
  }

  @Test
  void exportPrefix_namesTheFiles_andInputsJsonHoldsThePayloads(@TempDir Path dir)
      throws Exception {
    Run run = aiperf("profile", "--url", "mock", "-m", "demo", "--request-count", "5",
        "--osl", "3", "--isl", "12", "--mock-ttft", "1", "--mock-itl", "0",
        "--profile-export-prefix", "run1", "--artifact-dir", dir.toString(), "--ui", "none");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(dir.resolve("run1.json")).exists();
    assertThat(dir.resolve("run1.csv")).exists();
    assertThat(dir.resolve("run1.jsonl")).exists();
    assertThat(dir.resolve("profile_export_aiperf.json")).doesNotExist();
    assertThat(run.out()).contains("JSON Export: " + dir.toAbsolutePath().resolve("run1.json"));
    JsonNode inputs = new ObjectMapper().readTree(dir.resolve("inputs.json").toFile());
    assertThat(inputs.get("data")).hasSize(5);
    JsonNode payload = inputs.get("data").get(0).get("payloads").get(0);
    assertThat(payload.get("model").asText()).isEqualTo("demo");
    assertThat(payload.get("max_completion_tokens").asInt()).isEqualTo(3);
    assertThat(payload.get("messages").get(0).get("role").asText()).isEqualTo("user");
  }

  @Test
  void exportOutputsJson_writesEachRequestsText_inRequestOrder(@TempDir Path dir)
      throws Exception {
    Run run = aiperf("profile", "--url", "mock", "-m", "demo", "--request-count", "12",
        "--concurrency", "4", "--osl", "6", "--isl", "8", "--streaming", "--mock-ttft", "1",
        "--mock-itl", "1", "--mock-error-rate", "50", "--random-seed", "3",
        "--warmup-request-count", "2", "--export-outputs-json", "--artifact-dir", dir.toString(),
        "--ui", "none");
    assertThat(run.exitCode()).as(run.err()).isZero();
    ObjectMapper mapper = new ObjectMapper();
    JsonNode outputs = mapper.readTree(dir.resolve("outputs.json").toFile());
    assertThat(outputs.get("schema_version").asText()).isEqualTo("1.0");
    // The profiling requests only, by their number in the phase, as AIPerf sorts them.
    JsonNode data = outputs.get("data");
    assertThat(data).hasSize(12);
    for (int i = 0; i < 12; i++) {
      assertThat(data.get(i).get("session_num").asInt()).isEqualTo(i);
    }
    java.util.Map<String, JsonNode> records = new java.util.HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("profile_export.jsonl"))) {
      JsonNode r = mapper.readTree(line);
      records.put(r.at("/metadata/x_request_id").asText(), r);
    }
    int failed = 0;
    for (JsonNode e : data) {
      JsonNode r = records.get(e.get("x_request_id").asText());
      assertThat(e.get("request_start_ns").asLong())
          .isEqualTo(r.at("/metadata/request_start_ns").asLong());
      if (r.has("error")) {
        failed++;
        assertThat(e.get("metrics")).isEmpty();
        assertThat(e.has("response_text")).isFalse();
      } else {
        assertThat(e.get("response_text").asText()).isNotBlank();
        assertThat(e.at("/metrics/output_sequence_length").isIntegralNumber()).isTrue();
        assertThat(e.at("/metrics/output_sequence_length").asInt())
            .isEqualTo(r.at("/metrics/output_sequence_length/value").asInt());
        assertThat(e.at("/metrics/time_to_first_token").asDouble())
            .isEqualTo(r.at("/metrics/time_to_first_token/value").asDouble());
      }
    }
    assertThat(failed).as("the mock failed some requests").isPositive();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("the side file is removed").noneMatch(n -> n.endsWith(".parts"));
    }
  }

  @Test
  void exportLevels_raw_addsEveryMessage_summary_writesNoRecords(@TempDir Path dir)
      throws Exception {
    Run raw = aiperf("profile", "--url", "mock", "-m", "demo", "--request-count", "3",
        "--osl", "4", "--isl", "8", "--streaming", "--mock-ttft", "1", "--mock-itl", "1",
        "--export-level", "raw", "--artifact-dir", dir.resolve("raw").toString(), "--ui", "none");
    assertThat(raw.exitCode()).as(raw.err()).isZero();
    var lines = Files.readAllLines(dir.resolve("raw").resolve("profile_export_raw.jsonl"));
    assertThat(lines).hasSize(3);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.at("/payload/model").asText()).isEqualTo("demo");
    assertThat(first.get("status").asInt()).isEqualTo(200);
    // 4 tokens, the usage chunk and [DONE], each with its arrival time, as AIPerf's packets.
    assertThat(first.get("responses")).hasSize(6);
    assertThat(first.at("/responses/5/packets/0/name").asText()).isEqualTo("data");
    assertThat(first.at("/responses/5/packets/0/value").asText()).isEqualTo("[DONE]");
    assertThat(first.at("/responses/5/perf_ns").asLong())
        .isGreaterThan(first.at("/start_perf_ns").asLong());
    // The same metadata as the per-request export, so AIPerf's tools can join the two.
    assertThat(first.at("/metadata/session_num").isIntegralNumber()).isTrue();
    assertThat(first.at("/metadata/conversation_id").asText()).isNotEmpty();
    Run summary = aiperf("profile", "--url", "mock", "-m", "demo", "--request-count", "3",
        "--osl", "4", "--isl", "8", "--mock-ttft", "1", "--mock-itl", "0",
        "--export-level", "summary", "--artifact-dir", dir.resolve("summary").toString(),
        "--ui", "none");
    assertThat(summary.exitCode()).as(summary.err()).isZero();
    assertThat(dir.resolve("summary").resolve("profile_export_aiperf.json")).exists();
    assertThat(dir.resolve("summary").resolve("profile_export.jsonl")).doesNotExist();
  }

  @Test
  void merge_combinesExportDirectories(@TempDir Path dir) throws Exception {
    for (String part : new String[] {"a", "b"}) {
      Run run = aiperf("profile", "--url", "mock", "-m", "demo", "--request-count", "20",
          "--concurrency", "4", "--osl", "4", "--isl", "8", "--streaming", "--mock-ttft", "2",
          "--mock-itl", "1", "--artifact-dir", dir.resolve(part).toString(), "--ui", "none");
      assertThat(run.exitCode()).as(run.err()).isZero();
    }
    Run merge = aiperf("merge", dir.resolve("a").toString(), dir.resolve("b").toString(),
        "-o", dir.resolve("merged").toString());
    assertThat(merge.exitCode()).as(merge.err()).isZero();
    assertThat(merge.out()).contains("NVIDIA AIPerf | LLM Metrics", "Merged from 2 results");
    JsonNode merged = new ObjectMapper().readTree(dir.resolve("merged")
        .resolve("profile_export_aiperf.json").toFile());
    assertThat(merged.at("/request_count/avg").asDouble()).isEqualTo(40.0);
    assertThat(merged.at("/time_to_first_token/count").asLong()).isEqualTo(40);
    assertThat(merged.at("/time_to_first_token/hdr_histogram").asText()).isNotEmpty();
    // Time-weighted metrics describe each run's own timeline: left out of a merge, not faked.
    assertThat(merged.has("effective_concurrency")).isFalse();

    Run missing = aiperf("merge", dir.resolve("a").toString(), dir.resolve("nope").toString(),
        "-o", dir.resolve("x").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("nope").contains("cannot be merged");
  }

  @Test
  void slo_brokenExitsThree_heldExitsZero_badExitsTwo(@TempDir Path dir) {
    String[] base = {"profile", "--url", "mock", "-m", "demo", "--request-count", "8",
        "--osl", "4", "--isl", "8", "--streaming", "--mock-ttft", "20", "--mock-itl", "1",
        "--ui", "none"};
    Run broken = aiperf(concat(base, "--artifact-dir", dir.resolve("a").toString(),
        "--slo", "time_to_first_token.p50<5ms", "--slo", "request_count>=8"));
    assertThat(broken.exitCode()).isEqualTo(3);
    assertThat(broken.err()).contains("SLO broken: time_to_first_token p50 was")
        .contains("not < 5.0").doesNotContain("request_count avg");
    Run held = aiperf(concat(base, "--artifact-dir", dir.resolve("b").toString(),
        "--slo", "time_to_first_token.p50<10s"));
    assertThat(held.exitCode()).as(held.err()).isZero();
    assertThat(held.err()).contains("All 1 SLOs hold.");
    Run bad = aiperf(concat(base, "--slo", "ttft fast"));
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("SLO was 'ttft fast' but it must look like");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void profile_neverWritesTheApiKey(@TempDir Path dir) throws Exception {
    String key = "sk-test-" + System.nanoTime();
    Run run = aiperf("profile", "--url", "mock", "-m", "demo", "--request-count", "5",
        "--osl", "4", "--isl", "16", "--mock-ttft", "1", "--mock-itl", "0",
        "--api-key", key, "-H", "X-Secret:" + key, "-H", "X-Api-Token:" + key,
        "--extra-inputs", "api_key:" + key,
        "--extra-inputs", "{\"provider\":{\"auth\":{\"access_token\":\"" + key + "x\"}}}",
        "--extra-inputs", "temperature:0.5",
        "--export-level", "raw", "--streaming", "--artifact-dir", dir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    // The extra inputs still reached the server, and ordinary ones are still shown.
    assertThat(Files.readString(dir.resolve("inputs.json")))
        .contains("\"api_key\":\"<redacted>\"")
        .contains("\"access_token\":\"<redacted>\"")
        .contains("\"temperature\":0.5");
    assertThat(run.out()).doesNotContain(key);
    assertThat(run.err()).doesNotContain(key);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain(key);
      }
    }
  }

  @Test
  void badValues_exitTwo_namingEachInput() {
    Run run = aiperf("profile", "-m", "demo", "--url", "http://127.0.0.1:9",
        "--concurrency", "-1", "--endpoint-type", "chatt", "--request-count", "0");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("concurrency was '-1' but it must be at least 1")
        .contains("endpoint type was 'chatt' but it must be one of [audio_transcription, chat,"
            + " chat_embeddings, cohere_rankings, completions, embeddings, hf_tei_rankings,"
            + " huggingface_generate, image_edit, image_generation, messages, nim_embeddings,"
            + " nim_rankings, raw, responses, template]")
        .contains("requestCount was '0' but it must be at least 1")
        .contains("aiperf profile --help");
  }

  @Test
  void badDatasetInputs_exitTwo_namingEachOne(@TempDir Path dir) {
    Run run = aiperf("profile", "-m", "demo", "--url", "http://127.0.0.1:9",
        "--image-width-mean", "0", "--image-height-mean", "-4", "--tokenizer",
        dir.resolve("missing/tokenizer.json").toString(), "--seq-dist", "100,20:60;50,10:30");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("tokenizer was '" + dir.resolve("missing/tokenizer.json")
            + "' but it is neither a tiktoken encoding")
        .contains("seq-dist was '100,20:60;50,10:30' but its percentages add up to 90.0, not 100");
    Run images = aiperf("profile", "-m", "demo", "--url", "http://127.0.0.1:9",
        "--image-width-mean", "0", "--image-height-mean", "-4");
    assertThat(images.exitCode()).isEqualTo(2);
    assertThat(images.err())
        .contains("Error: image width mean was '0.0' but it must be > 0 pixels")
        .contains("Error: image height mean was '-4.0' but it must be > 0 pixels");
    Run type = aiperf("profile", "-m", "demo", "--url", "http://127.0.0.1:9",
        "--input-file", dir.resolve("missing.jsonl").toString(), "--custom-dataset-type", "csv");
    assertThat(type.exitCode()).isEqualTo(2);
    assertThat(type.err()).contains("custom dataset type was 'csv' but it must be single_turn,"
        + " multi_turn, dag_jsonl, random_pool, mooncake_trace, bailian_trace");
    Run missing = aiperf("profile", "-m", "demo", "--url", "http://127.0.0.1:9",
        "--input-file", dir.resolve("missing.jsonl").toString(), "--custom-dataset-type",
        "mooncake_trace");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("input file was '" + dir.resolve("missing.jsonl")
        + "' but it does not exist");
  }

  @Test
  void mooncakeTrace_withServerTokenCounts_andMockFaultFlags(@TempDir Path dir)
      throws Exception {
    Path trace = Files.writeString(dir.resolve("trace.jsonl"), String.join("\n",
        "{\"timestamp\": 0, \"input_length\": 24, \"output_length\": 3, \"hash_ids\": [1, 2]}",
        "{\"timestamp\": 30, \"input_length\": 24, \"output_length\": 3, \"hash_ids\": [1, 3]}"));
    Path tokenizerDir = dir.resolve("tok");
    Files.createDirectories(tokenizerDir);
    Run run = aiperf("profile", "--url", "mock", "-m", "qwen-a,qwen-b", "--streaming",
        "--input-file", trace.toString(), "--custom-dataset-type", "mooncake_trace",
        "--isl-block-size", "16", "--use-server-token-count", "--mock-ttft", "1",
        "--mock-itl", "0", "--mock-reasoning-tokens", "2", "--mock-idle-timeout-ms", "5000",
        "--mock-refuse-rate", "0", "--mock-slow-drip-rate", "0",
        "--artifact-dir", dir.resolve("out").toString(), "--ui", "none");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(dir.resolve("out/profile_export_aiperf.json")
        .toFile());
    JsonNode endpoint = json.path("input_config").path("endpoint");
    assertThat(endpoint.path("use_server_token_count").asBoolean()).isTrue();
    assertThat(json.path("input_config").path("models").path("items").findValuesAsText("name"))
        .containsExactly("qwen-a", "qwen-b");
    assertThat(json.path("input_config").path("datasets").path(0).path("format").asText())
        .isEqualTo("mooncake_trace");
    assertThat(json.path("request_count").path("avg").asDouble()).isEqualTo(2.0);
    JsonNode inputs = new ObjectMapper().readTree(dir.resolve("out/inputs.json").toFile());
    assertThat(inputs.get("data")).extracting(d -> d.get("payloads").get(0).get("model").asText())
        .containsExactly("qwen-a", "qwen-b");
  }

  @Test
  void extraInputs_templateFieldsStayText_evenWhenTheyParseAsJson(@TempDir Path dir) {
    assertThat(InputOptions.typed("{\"a\": 1}")).isInstanceOf(java.util.Map.class);
    Run run = aiperf("profile", "-m", "demo", "--url", "mock", "--endpoint-type", "template",
        "--extra-inputs", "payload_template:{\"text\": \"fixed\"}", "--extra-inputs",
        "response_field:text", "--request-count", "1", "--mock-fast", "--ui", "none",
        "--isl", "4", "--artifact-dir", dir.toString());
    assertThat(run.err()).doesNotContain("it needs a template");
  }

  @Test
  void conflictingLoadOptions_exitTwo_withOneLinePerProblem() {
    Run run = aiperf("profile", "-m", "demo", "--request-rate", "-5",
        "--arrival-pattern", "poisson", "--arrival-smoothness", "0",
        "--concurrency", "4", "--prefill-concurrency", "8",
        "--request-cancellation-rate", "150");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("Error: requestRate was '-5.0' but it must be > 0")
        .contains("Error: arrivalSmoothness was '0.0' but it must be > 0")
        .contains("Error: arrivalSmoothness was '0.0' but it applies to the gamma pattern only,"
            + " and arrivalPattern is POISSON")
        .contains("Error: prefillConcurrency was '8' but it cannot exceed concurrency (4)")
        .contains("Error: prefillConcurrency was set but it needs streaming")
        .contains("Error: request cancellation rate was '150.0' but it must be a percentage");
  }

  @Test
  void unknownArrivalPattern_andPatternWithoutRate_exitTwo() {
    Run unknown = aiperf("profile", "-m", "demo", "--request-rate", "5",
        "--arrival-pattern", "bursty");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("--arrival-pattern was 'bursty' but it must be constant,"
        + " poisson or gamma");
    Run noRate = aiperf("profile", "-m", "demo", "--arrival-pattern", "gamma");
    assertThat(noRate.exitCode()).isEqualTo(2);
    assertThat(noRate.err()).contains("arrivalPattern was set but it needs requestRate");
  }

  @Test
  void requestRate_showsTheScheduleMetrics(@TempDir Path cwd) {
    Run run = aiperf("profile", "--url", "mock", "-m", "org/demo", "--request-rate", "50",
        "--request-count", "10", "--osl", "2", "--isl", "8", "--mock-ttft", "1", "--mock-itl",
        "0", "--ui", "none", "--artifact-dir", cwd.resolve("x").toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Send Lateness (ms)", "Requested Request Rate");
  }

  @Test
  void badGoodput_exitsTwo_namingTheMetricAndTheValidOnes() {
    Run run = aiperf("profile", "-m", "demo", "--goodput", "ttft:200 inter_token_latency:fast");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("--goodput part was 'inter_token_latency:fast' but it must be"
            + " 'metric_tag:number'")
        .contains("goodput metric was 'ttft' but it must be a per-request metric: [")
        .contains("time_to_first_token");
  }

  @Test
  void malformedHeader_exitsTwo() {
    Run run = aiperf("profile", "-m", "demo", "-H", "NoColonHere");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--header was 'NoColonHere' but it must be 'Name:Value'");
  }

  @Test
  void malformedExtraInputs_exitsTwo() {
    Run run = aiperf("profile", "-m", "demo", "--extra-inputs", "{not json");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--extra-inputs was '{not json' but it is not a JSON object");
  }

  @Test
  void unknownFlag_orMissingModel_orNonNumber_exitsTwo() {
    assertThat(aiperf("profile", "-m", "demo", "--concurency", "4").exitCode()).isEqualTo(2);
    Run missingModel = aiperf("profile", "--url", "mock");
    assertThat(missingModel.exitCode()).isEqualTo(2);
    assertThat(missingModel.err()).contains("Missing required option: '--model");
    Run notANumber = aiperf("profile", "-m", "demo", "--concurrency", "lots");
    assertThat(notANumber.exitCode()).isEqualTo(2);
    assertThat(notANumber.err()).contains("--concurrency").contains("lots");
  }

  @Test
  void badUiMode_exitsTwo() {
    Run run = aiperf("profile", "-m", "demo", "--ui", "fancy");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--ui was 'fancy' but it must be dashboard, simple or none");
  }

  @Test
  void unreachableServer_exitsOne_withAClearError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run run = aiperf("profile", "-m", "demo", "--url", "127.0.0.1:" + port,
        "--request-count", "3", "--ui", "none");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("cannot reach the server at http://127.0.0.1:" + port);
  }

  @Test
  void everyRequestFailing_exitsOne_andStillExportsWhatWasMeasured(@TempDir Path dir)
      throws Exception {
    Run run = aiperf("profile", "--url", "mock", "-m", "demo", "--request-count", "6",
        "--mock-error-rate", "100", "--artifact-dir", dir.toString(), "--ui", "none");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("No request succeeded: all 6 failed")
        .contains("Internal Server Error 500");
    assertThat(run.out()).contains("NVIDIA AIPerf | Error Summary");
    assertThat(Files.exists(dir.resolve("profile_export_aiperf.json"))).isTrue();
    // Every failed request is in the per-request export with its error.
    var lines = Files.readAllLines(dir.resolve("profile_export.jsonl"));
    assertThat(lines).hasSize(6).allSatisfy(l -> assertThat(l)
        .contains("\"error\":{\"code\":500,\"type\":\"Internal Server Error\""));
  }

  @Test
  void plugins_listsTheBuiltInProviders() {
    Run run = aiperf("plugins", "--all");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("endpoint", "chat", "completions", "inmemory",
        "tiktoken", "records_manager");
  }

  @Test
  void severalUrls_spreadConversationsOverTheServers(@TempDir Path dir) throws Exception {
    var options = io.aiperf.mock.MockServerOptions.builder().host("127.0.0.1").port(0)
        .ttft(java.time.Duration.ofMillis(1)).itl(java.time.Duration.ofMillis(0))
        .recordRequests(1_000).build();
    try (var a = io.aiperf.mock.MockLlmServer.start(options);
        var b = io.aiperf.mock.MockLlmServer.start(options)) {
      Run run = aiperf("profile", "--url", a.baseUrl(), "--url", b.baseUrl(), "-m", "demo",
          "--request-count", "40", "--concurrency", "4", "--osl", "4", "--isl", "8",
          "--ui", "none", "--artifact-dir", dir.toString());
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(a.receivedRequests()).hasSize(20);
      assertThat(b.receivedRequests()).hasSize(20);
      JsonNode json = new ObjectMapper().readTree(dir.resolve("profile_export_aiperf.json")
          .toFile());
      assertThat(json.path("request_count").path("avg").asDouble()).isEqualTo(40.0);
    }
  }
}
