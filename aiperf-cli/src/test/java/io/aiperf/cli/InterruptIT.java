package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C on a real CLI process: it stops, and what it measured is exported, marked cancelled. */
final class InterruptIT {
  @Test
  void sigint_writesCompleteExportsMarkedCancelled(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    Path log = dir.resolve("child.log");
    Process child = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AiperfCommand.class.getName(),
        "profile", "--url", "mock", "-m", "demo", "--streaming", "--concurrency", "8",
        "--request-count", "1000000", "--osl", "8", "--isl", "16", "--mock-ttft", "2",
        "--mock-itl", "2", "--ui", "simple", "--artifact-dir", out.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      // Wait until requests are flowing, then press Ctrl-C.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> Files.exists(log) && Files.readString(log).contains("requests done"));
      new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child exits").isTrue();
      assertThat(child.exitValue()).as("the shell's code for SIGINT").isEqualTo(130);
    } finally {
      child.destroyForcibly();
    }
    JsonNode json = new ObjectMapper().readTree(out.resolve("profile_export_aiperf.json")
        .toFile());
    assertThat(json.get("was_cancelled").asBoolean()).isTrue();
    double completed = json.at("/request_count/avg").asDouble();
    assertThat(completed).isPositive().isLessThan(1_000_000);
    assertThat(Files.readAllLines(out.resolve("profile_export.jsonl")))
        .hasSizeGreaterThanOrEqualTo((int) completed);
    assertThat(out.resolve("profile_export_aiperf.csv").toFile()).exists();
    assertThat(Files.readString(log)).contains("cancelled early");
  }

  @Test
  void secondSigint_endsRequestsInFlightAtOnce_andStillExports(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("run");
    Path log = dir.resolve("child.log");
    // Answers take a minute: after the first Ctrl-C the drain would wait its full 10 s.
    Process child = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AiperfCommand.class.getName(),
        "profile", "--url", "mock", "-m", "demo", "--streaming", "--concurrency", "4",
        "--request-count", "100", "--osl", "8", "--isl", "16", "--mock-ttft", "60000",
        "--ui", "simple", "--artifact-dir", out.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> Files.exists(log) && Files.readString(log).contains("requests done"));
      new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> Files.readString(log).contains("Press Ctrl-C again"));
      new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child exits").isTrue();
      assertThat(child.exitValue()).isEqualTo(130);
    } finally {
      child.destroyForcibly();
    }
    assertThat(Files.readString(log)).contains("Stopping at once");
    JsonNode json = new ObjectMapper().readTree(out.resolve("profile_export_aiperf.json")
        .toFile());
    assertThat(json.get("was_cancelled").asBoolean()).isTrue();
    // The four requests in flight were ended by the second Ctrl-C, not by the drain timer.
    List<String> records = Files.readAllLines(out.resolve("profile_export.jsonl"));
    assertThat(records).hasSize(4)
        .allSatisfy(r -> assertThat(r).contains("stopped at once").doesNotContain("drain time"));
  }

  private static Process start(Path out, Path log, String... flags) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AiperfCommand.class.getName(),
        "profile", "--url", "mock", "-m", "demo", "--streaming", "--osl", "8", "--isl", "16",
        "--ui", "simple", "--artifact-dir", out.toString()));
    cmd.addAll(List.of(flags));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  @Test
  void sigterm_drainsAndWritesTheExports_thenExitsAsTerminated(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("run");
    Path log = dir.resolve("child.log");
    Process child = start(out, log, "--concurrency", "8", "--request-count", "1000000",
        "--mock-ttft", "2", "--mock-itl", "2");
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> Files.exists(log) && Files.readString(log).contains("requests done"));
      new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor();
      assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("the child exits").isTrue();
      // 128 + SIGTERM, after the shutdown hook wrote the exports (AiperfCommand's exit codes).
      assertThat(child.exitValue()).isEqualTo(143);
    } finally {
      child.destroyForcibly();
    }
    JsonNode json = new ObjectMapper().readTree(out.resolve("profile_export_aiperf.json")
        .toFile());
    assertThat(json.get("was_cancelled").asBoolean()).isTrue();
    double completed = json.at("/request_count/avg").asDouble();
    assertThat(completed).isGreaterThanOrEqualTo(1).isLessThan(1_000_000);
    assertThat(Files.readAllLines(out.resolve("profile_export.jsonl")))
        .hasSizeGreaterThanOrEqualTo((int) completed);
    assertThat(out.resolve("profile_export_aiperf.csv").toFile()).exists();
    // Written last, as AIPerf: the directory is complete, and its results are partial.
    JsonNode ready = new ObjectMapper().readTree(out.resolve(".aiperf_results_ready.json")
        .toFile());
    assertThat(ready.toString())
        .isEqualTo("{\"ready\":true,\"was_cancelled\":true,\"partial\":true}");
    assertThat(json.get("is_complete").asBoolean()).isFalse();
  }

  @Test
  void thirdSigint_exitsAtOnce(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    Path log = dir.resolve("child.log");
    // Answers take a minute, so nothing ends on its own while the signals arrive.
    Process child = start(out, log, "--concurrency", "4", "--request-count", "100",
        "--mock-ttft", "60000");
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> Files.exists(log) && Files.readString(log).contains("requests done"));
      new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> Files.readString(log).contains("Press Ctrl-C again"));
      // The second and third back to back: the third lands while the exports are written.
      String pid = Long.toString(child.pid());
      new ProcessBuilder("sh", "-c", "kill -INT " + pid + "; sleep 0.01; kill -INT " + pid)
          .start().waitFor();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child exits").isTrue();
      assertThat(child.exitValue()).isEqualTo(130);
    } finally {
      child.destroyForcibly();
    }
    assertThat(Files.readString(log)).contains("Stopping at once").contains("Exiting now.");
  }
}
