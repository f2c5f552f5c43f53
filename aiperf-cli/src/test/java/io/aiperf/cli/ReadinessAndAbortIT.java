package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.cli.ConfigProfileIT.Run;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AIPerf's --wait-for-model-* readiness probe before the run, and --failed-request-threshold
 * ending a run whose requests fail too often.
 */
final class ReadinessAndAbortIT {
  private static Run profile(Path dir, String url, String... flags) {
    List<String> args = new ArrayList<>(List.of("profile", "--url", url, "-m", "mock-model",
        "--osl", "2", "--isl", "8", "--ui", "none", "--artifact-dir", dir.toString()));
    args.addAll(List.of(flags));
    return ConfigProfileIT.aiperf(args.toArray(String[]::new));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void waitForModel_retriesUntilTheServerAnswers_thenRuns(@TempDir Path dir) throws Exception {
    int port = freePort();
    // The server comes up only after the probe has been refused a few times.
    CompletableFuture<MockLlmServer> late = CompletableFuture.supplyAsync(
        () -> MockLlmServer.start(MockServerOptions.builder().port(port)
            .ttft(Duration.ofMillis(1)).itl(Duration.ofMillis(1)).build()),
        CompletableFuture.delayedExecutor(1200, TimeUnit.MILLISECONDS));
    try {
      Run run = profile(dir, "127.0.0.1:" + port, "--request-count", "2",
          "--wait-for-model-timeout", "60", "--wait-for-model-interval", "0.2");
      assertThat(run.exitCode()).as(run.err()).isZero();
      String probe = "http://127.0.0.1:" + port + "/v1/chat/completions";
      assertThat(run.err()).contains("Inference probe to " + probe + " returned connection"
          + " error").contains("Inference probe ready at " + probe + " (status=200, attempt");
    } finally {
      late.get(30, TimeUnit.SECONDS).close();
    }
  }

  @Test
  void waitForModel_modelsMode_needsTheModelListed_elseTimesOut(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(1)).itl(Duration.ZERO).build())) {
      Run listed = profile(dir.resolve("listed"), server.baseUrl(), "--request-count", "1",
          "--wait-for-model-timeout", "10", "--wait-for-model-mode", "both");
      assertThat(listed.exitCode()).as(listed.err()).isZero();
      assertThat(listed.err()).contains("Model 'mock-model' ready at " + server.baseUrl()
          + " after 1 attempt(s)").contains("Inference probe ready at");
      long start = System.currentTimeMillis();
      Run missing = ConfigProfileIT.aiperf("profile", "--url", server.baseUrl(), "-m", "other",
          "--request-count", "1", "--ui", "none", "--artifact-dir", dir.resolve("m").toString(),
          "--wait-for-model-timeout", "1", "--wait-for-model-mode", "models",
          "--wait-for-model-interval", "0.3");
      assertThat(missing.exitCode()).isEqualTo(1);
      assertThat(missing.err()).contains("Error: the endpoint is not ready: timed out after 1.0s"
          + " waiting for model 'other' to become ready at " + server.baseUrl()
          + " (checked ").contains("(--wait-for-model-timeout)");
      assertThat(System.currentTimeMillis() - start).isLessThan(20_000);
    }
  }

  @Test
  void waitForModel_settingsWithoutTheProbe_areRefused(@TempDir Path dir) {
    Run run = profile(dir, "mock", "--request-count", "1", "--wait-for-model-interval", "1",
        "--wait-for-model-mode", "models");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--wait-for-model-interval, --wait-for-model-mode has no"
        + " effect unless --wait-for-model-timeout is set to a positive value");
    Run bad = profile(dir, "mock", "--request-count", "1", "--wait-for-model-timeout", "5",
        "--wait-for-model-mode", "ping");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--wait-for-model-mode was 'ping' but it must be one of"
        + " [inference, models, both]");
  }

  @Test
  void failedRequestThreshold_cancelsARunFailingTooOften_keepingWhatWasMeasured(@TempDir Path dir)
      throws Exception {
    Run failing = profile(dir.resolve("failing"), "mock", "--mock-error-rate", "50",
        "--mock-ttft", "2", "--mock-itl", "1", "--concurrency", "4",
        "--request-count", "100000", "--failed-request-threshold", "0.2");
    assertThat(failing.exitCode()).as(failing.err()).isEqualTo(1);
    assertThat(failing.err()).containsPattern("Error: \\d+ of \\d+ profiling requests failed"
        + " \\([0-9.]+%\\), more than --failed-request-threshold 0.2 allows: the run was"
        + " cancelled; what was measured is in ");
    com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dir.resolve("failing/profile_export_aiperf.json").toFile());
    assertThat(json.at("/request_count/avg").asDouble()).isLessThan(100_000);
    // Under the threshold, the same failures let the run end as asked.
    Run tolerated = profile(dir.resolve("tolerated"), "mock", "--mock-error-rate", "50",
        "--mock-ttft", "1", "--mock-itl", "1", "--request-count", "40",
        "--failed-request-threshold", "0.9");
    assertThat(tolerated.exitCode()).as(tolerated.err()).isZero();
    Run bad = profile(dir.resolve("bad"), "mock", "--request-count", "1",
        "--failed-request-threshold", "1.5");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--failed-request-threshold was '1.5' but it must be a share"
        + " from 0 to 1");
    Run sweep = profile(dir.resolve("sweep"), "mock", "--request-count", "1",
        "--concurrency", "1,2", "--failed-request-threshold", "0.5");
    assertThat(sweep.exitCode()).isEqualTo(2);
    assertThat(sweep.err()).contains("--failed-request-threshold was given but it watches a"
        + " single run");
  }
}
