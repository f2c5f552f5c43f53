package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiperf mock-server --tls} as a user runs it: HTTPS a client can trust by the PEM it prints. */
final class MockServerCommandIT {
  private static final Pattern LISTENING = Pattern.compile(
      "listening on (https://127\\.0\\.0\\.1:\\d+).*for --ssl-ca-cert\\): ([^;]+);");

  private static Process start(Path log, String... flags) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AiperfCommand.class.getName(),
        "mock-server", "--port", "0", "--ttft", "5", "--itl", "1"));
    cmd.addAll(List.of(flags));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  @Test
  void tls_servesHttpsAndHttp2_toAClientTrustingThePrintedCertificate(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("mock.log");
    Process mock = start(log, "--tls");
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> LISTENING.matcher(Files.readString(log)).find());
      Matcher m = LISTENING.matcher(Files.readString(log));
      assertThat(m.find()).isTrue();
      Path pem = Path.of(m.group(2));
      for (boolean h2 : new boolean[] {false, true}) {
        BenchmarkResult r = Benchmark.builder()
            .endpoint(Endpoints.openAiChat(m.group(1)).model("demo").streaming(true)
                .tlsTrust(pem).http2(h2))
            .concurrency(2).requestCount(6)
            .dataset(Datasets.synthetic().inputTokens(8, 0).outputTokens(4, 0).seed(1)).run();
        assertThat(r.requestsCompleted()).as("http2 " + h2).isEqualTo(6);
      }
    } finally {
      mock.destroy();
      assertThat(mock.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.exists(Path.of(LISTENING.matcher(Files.readString(log)).results()
        .findFirst().orElseThrow().group(2)))).as("the PEM file is removed at exit").isFalse();
  }

  @Test
  void aCertificateWithoutItsKey_isAUsageError(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("mock.log");
    Process mock = start(log, "--tls-cert", dir.resolve("cert.pem").toString());
    try {
      assertThat(mock.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(mock.exitValue()).isEqualTo(AiperfCommand.EXIT_USAGE);
    } finally {
      mock.destroyForcibly();
    }
    assertThat(Files.readString(log)).contains("--tls-cert and --tls-key go together");
  }

  @Test
  void writeLog_holdsEachStreamedAnswersArrivalAndFirstToken_whenTheServerStops(
      @TempDir Path dir) throws Exception {
    Path log = dir.resolve("mock.log");
    Path writes = dir.resolve("writes.jsonl");
    Process mock = start(log, "--write-log", writes.toString());
    Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> listening.matcher(Files.readString(log)).find());
      Matcher m = listening.matcher(Files.readString(log));
      assertThat(m.find()).isTrue();
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(m.group(1)).model("demo").streaming(true))
          .concurrency(2).requestCount(6)
          .dataset(Datasets.synthetic().inputTokens(8, 0).outputTokens(4, 0).seed(1)).run();
      assertThat(r.requestsCompleted()).isEqualTo(6);
    } finally {
      mock.destroy(); // SIGTERM: the log is written on the way out
      assertThat(mock.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    List<com.fasterxml.jackson.databind.JsonNode> lines = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(writes)) {
      lines.add(json.readTree(line));
    }
    // The client's warm-up runs in-process; the mock saw the run's requests (and any retries).
    assertThat(lines).hasSizeGreaterThanOrEqualTo(6);
    for (com.fasterxml.jackson.databind.JsonNode l : lines) {
      assertThat(l.path("request_id").asText()).isNotBlank();
      long arrival = l.path("arrival_ns").asLong();
      long first = l.path("first_token_ns").asLong();
      assertThat(first - arrival).as("the mock's TTFT is 5 ms").isBetween(4_000_000L, 1_000_000_000L);
      assertThat(l.path("last_write_ns").asLong()).isGreaterThanOrEqualTo(first);
      assertThat(l.path("tokens").asInt()).isBetween(1, 4);
    }
    assertThat(Files.readString(log)).contains("Wrote the write log of " + lines.size());
  }
}
