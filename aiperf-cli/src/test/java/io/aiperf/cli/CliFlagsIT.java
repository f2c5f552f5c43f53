package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.cli.ConfigProfileIT.Run;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AIPerf's flags and defaults that aiperf-java took over, each seen doing its job. */
final class CliFlagsIT {
  private static Run profile(Path dir, String... flags) {
    List<String> args = new ArrayList<>(List.of("profile", "--url", "mock", "--osl", "4",
        "--isl", "16", "--mock-ttft", "1", "--mock-itl", "1", "--ui", "none",
        "--artifact-dir", dir.toString()));
    args.addAll(List.of(flags));
    return ConfigProfileIT.aiperf(args.toArray(String[]::new));
  }

  @Test
  void verbose_logsDebugOutput_toTheConsoleAndTheRunLog(@TempDir Path dir) throws Exception {
    Run quiet = profile(dir.resolve("quiet"), "-m", "demo", "--request-count", "3");
    assertThat(quiet.exitCode()).as(quiet.err()).isZero();
    Run verbose = profile(dir.resolve("verbose"), "-m", "demo", "--request-count", "3", "-v");
    assertThat(verbose.exitCode()).as(verbose.err()).isZero();
    assertThat(Files.readString(dir.resolve("verbose/logs/aiperf.log"))).contains(" DEBUG ");
    assertThat(Files.readString(dir.resolve("quiet/logs/aiperf.log"))).doesNotContain(" DEBUG ");
    Run bad = profile(dir.resolve("bad"), "-m", "demo", "--log-level", "LOUD");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--log-level was 'LOUD' but it must be one of TRACE, DEBUG,"
        + " INFO, NOTICE, WARNING, SUCCESS, ERROR, CRITICAL");
  }

  @Test
  void verbose_showsDebugOutputOnTheConsole(@TempDir Path dir) throws Exception {
    // The console appender writes to the process's stderr: a JVM of its own shows it.
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(1)).itl(Duration.ZERO).build())) {
      assertThat(child(dir.resolve("quiet"), server.baseUrl(), null)).isZero();
      assertThat(Files.readString(dir.resolve("quiet/child.log"))).doesNotContain("DEBUG ");
      assertThat(child(dir.resolve("vv"), server.baseUrl(), null, "-vv")).isZero();
      assertThat(Files.readString(dir.resolve("vv/child.log"))).contains("DEBUG ");
    }
  }

  @Test
  void numDatasetEntries_isAiperfs100_withoutACount(@TempDir Path dir) throws Exception {
    Run run = profile(dir, "-m", "demo", "--benchmark-duration", "0.3", "--concurrency", "2");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode inputs = new ObjectMapper().readTree(dir.resolve("inputs.json").toFile());
    assertThat(inputs.get("data")).hasSize(100);
    Run counted = profile(dir.resolve("c"), "-m", "demo", "--request-count", "7");
    assertThat(new ObjectMapper().readTree(dir.resolve("c/inputs.json").toFile()).get("data"))
        .as(counted.err()).hasSize(7);
  }

  @Test
  void modelsOwnTokenizer_isTakenFromItsLocalCopy(@TempDir Path dir) throws Exception {
    Path model = Files.createDirectories(dir.resolve("acme-tiny"));
    // A word-level tokenizer: one token per word, the others [UNK].
    Files.writeString(model.resolve("tokenizer.json"), "{\"version\":\"1.0\",\"truncation\":null,"
        + "\"padding\":null,\"added_tokens\":[{\"id\":0,\"content\":\"[UNK]\",\"single_word\""
        + ":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}],"
        + "\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Whitespace\"},\"post_processor\""
        + ":null,\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"[UNK]\":0,"
        + "\"the\":1},\"unk_token\":\"[UNK]\"}}");
    Run run = profile(dir.resolve("out"), "-m", model.toString(), "--request-count", "3");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("Note: tokens are counted with " + model + "'s tokenizer"
        + " from its local Hugging Face copy, " + model.resolve("tokenizer.json"));
    String json = Files.readString(dir.resolve("out/profile_export_aiperf.json"));
    assertThat(json).contains(model.resolve("tokenizer.json").toString());
    Run hub = profile(dir.resolve("hub"), "-m", "acme/surely-not-cached-model",
        "--request-count", "2");
    assertThat(hub.err()).contains("Note: no local Hugging Face copy of"
        + " acme/surely-not-cached-model's tokenizer", "counted with tiktoken's o200k_base");
  }

  @Test
  void systemPrompt_goesFirstInEveryRequest_fromTheFlagOrAFile(@TempDir Path dir)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    Run run = profile(dir.resolve("text"), "-m", "demo", "--request-count", "3",
        "--system-prompt", "Answer in French.");
    assertThat(run.exitCode()).as(run.err()).isZero();
    for (JsonNode entry : json.readTree(dir.resolve("text/inputs.json").toFile()).get("data")) {
      JsonNode messages = entry.get("payloads").get(0).get("messages");
      assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
      assertThat(messages.get(0).get("content").asText()).isEqualTo("Answer in French.");
      assertThat(messages.get(1).get("role").asText()).isEqualTo("user");
    }
    Path prompt = dir.resolve("prompt.txt");
    Files.writeString(prompt, "You are a careful reviewer.");
    Path data = dir.resolve("data.jsonl");
    Files.writeString(data, "{\"text\": \"Is this right?\"}\n{\"text\": \"And this?\"}\n");
    Run file = profile(dir.resolve("file"), "-m", "demo", "--input-file", data.toString(),
        "--custom-dataset-type", "single_turn", "--system-prompt-file", prompt.toString());
    assertThat(file.exitCode()).as(file.err()).isZero();
    JsonNode first = json.readTree(dir.resolve("file/inputs.json").toFile()).get("data").get(0)
        .get("payloads").get(0).get("messages");
    assertThat(first.get(0).get("content").asText()).isEqualTo("You are a careful reviewer.");
    assertThat(first.get(1).get("content").asText()).isEqualTo("Is this right?");
    Run both = profile(dir.resolve("both"), "-m", "demo", "--system-prompt", "x",
        "--system-prompt-file", prompt.toString());
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--system-prompt and --system-prompt-file were both given");
  }

  @Test
  void aiperfsOnlyStrategies_areAccepted_andOthersNamed(@TempDir Path dir) {
    Run run = profile(dir, "-m", "demo", "--request-count", "2", "--url-strategy",
        "round_robin", "--transport", "http", "--request-content-type", "application/json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    Run bad = profile(dir.resolve("b"), "-m", "demo", "--url-strategy", "random",
        "--transport-type", "grpc", "--request-content-type", "multipart/form-data");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--transport was 'grpc' but it must be http",
        "--url-strategy was 'random' but it must be round_robin",
        "--request-content-type was 'multipart/form-data' but it must be application/json");
  }

  @Test
  void sslVerifyEnvironmentVariable_turnsCertificateChecksOff(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
        .tls(true).ttft(Duration.ofMillis(1)).itl(Duration.ZERO).build())) {
      assertThat(child(dir.resolve("checked"), server.baseUrl(), null)).isEqualTo(1);
      assertThat(child(dir.resolve("unchecked"), server.baseUrl(), "false")).isZero();
      assertThat(dir.resolve("unchecked/profile_export_aiperf.json")).exists();
    }
  }

  @Test
  void noFixedSchedule_keepsTheLoadFlagsTiming_forATimestampedFile(@TempDir Path dir)
      throws Exception {
    Path trace = Files.writeString(dir.resolve("trace.jsonl"), "{\"timestamp\": 0, \"text\":"
        + " \"a\"}\n{\"timestamp\": 4000, \"text\": \"b\"}\n{\"timestamp\": 8000, \"text\":"
        + " \"c\"}\n", StandardCharsets.UTF_8);
    Run run = profile(dir.resolve("out"), "-m", "demo", "--input-file", trace.toString(),
        "--no-fixed-schedule", "--concurrency", "1", "--request-count", "3");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<Long> starts = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("out/profile_export.jsonl"))) {
      starts.add(new ObjectMapper().readTree(line).at("/metadata/request_start_ns").asLong());
    }
    assertThat(starts).hasSize(3);
    // On the trace's schedule the last would start 8 s after the first; here back to back.
    assertThat(java.util.Collections.max(starts) - java.util.Collections.min(starts))
        .isLessThan(3_000_000_000L);
    Run both = profile(dir.resolve("both"), "-m", "demo", "--input-file", trace.toString(),
        "--no-fixed-schedule", "--fixed-schedule");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--no-fixed-schedule and --fixed-schedule were both given");
  }

  /** The CLI in a JVM of its own, with or without AIPERF_HTTP_SSL_VERIFY; its exit code. */
  private static int child(Path dir, String url, @org.jspecify.annotations.Nullable String verify,
      String... more)
      throws Exception {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AiperfCommand.class.getName(),
        "profile", "--url", url, "-m", "demo", "--request-count", "2", "--osl", "2",
        "--isl", "8", "--ui", "none", "--startup-timeout", "30", "--artifact-dir",
        dir.toString()));
    command.addAll(List.of(more));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile());
    pb.environment().remove(EndpointOptions.SSL_VERIFY_ENV);
    if (verify != null) {
      pb.environment().put(EndpointOptions.SSL_VERIFY_ENV, verify);
    }
    Process p = pb.start();
    try {
      assertThat(p.waitFor(3, TimeUnit.MINUTES)).as(Files.readString(dir.resolve("child.log"),
          StandardCharsets.UTF_8)).isTrue();
      return p.exitValue();
    } finally {
      p.destroyForcibly();
    }
  }
}
