package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiperf service --health-port}: the probes Kubernetes asks, through a service's life. */
final class ServiceHealthIT {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Status and body, or -1 when nothing listens. */
  private static String probe(int port, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + port + path)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (Exception e) {
      return "-1";
    }
  }

  private static CompletableFuture<Integer> aiperf(String... args) {
    return CompletableFuture.supplyAsync(() -> AiperfCommand.execute(args,
        new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true)));
  }

  @Test
  void aWorker_isLiveWhileJoining_readyWhileServing_andGoneWhenTheRunEnds(@TempDir Path dir)
      throws Exception {
    int zmq = freePort();
    int health = freePort();
    CompletableFuture<Integer> worker = aiperf("service", "--controller",
        "tcp://127.0.0.1:" + zmq, "--health-port", String.valueOf(health));
    // No controller yet: alive, not ready.
    await().atMost(Duration.ofSeconds(20)).until(() -> probe(health, "/healthz").equals("200 ok"));
    assertThat(probe(health, "/readyz")).isEqualTo("503 not ready");
    assertThat(probe(health, "/metrics")).startsWith("404");

    CompletableFuture<Integer> controller = aiperf("profile", "--url", "mock", "-m", "m",
        "--streaming", "--mock-ttft", "20", "--mock-itl", "5", "--request-rate", "20",
        "--request-count", "80", "--ui", "none", "--workers-remote", "1", "--zmq-port",
        String.valueOf(zmq), "--artifact-dir", dir.resolve("out").toString());
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> probe(health, "/readyz").equals("200 ok"));
    assertThat(probe(health, "/healthz")).isEqualTo("200 ok");

    assertThat(controller.get(120, TimeUnit.SECONDS)).isZero();
    assertThat(worker.get(60, TimeUnit.SECONDS)).isZero();
    assertThat(probe(health, "/healthz")).as("the server went with the service").isEqualTo("-1");
  }

  @Test
  void aBadHealthPort_isRefusedAtOnce() {
    StringWriter err = new StringWriter();
    int code = AiperfCommand.execute(new String[] {"service", "--controller",
        "tcp://127.0.0.1:1", "--health-port", "70000"}, new PrintWriter(new StringWriter(),
        true), new PrintWriter(err, true));
    assertThat(code).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("--health-port (or AIPERF_SERVICE_HEALTH_PORT) was"
        + " '70000'");
  }

  @Test
  void aipersEnvironment_setsTheHealthServersPortAndHost(@TempDir Path dir) throws Exception {
    // System.getenv cannot be set in this JVM: the service runs in one of its own.
    int health = freePort();
    int zmq = freePort();
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AiperfCommand.class.getName(),
        "service", "--controller", "tcp://127.0.0.1:" + zmq, "--join-timeout", "60")
        .redirectErrorStream(true).redirectOutput(dir.resolve("service.log").toFile());
    pb.environment().put("AIPERF_SERVICE_HEALTH_PORT", String.valueOf(health));
    pb.environment().put("AIPERF_SERVICE_HEALTH_HOST", "127.0.0.1");
    Process p = pb.start();
    try {
      await().atMost(Duration.ofSeconds(60))
          .until(() -> probe(health, "/healthz").equals("200 ok"));
      assertThat(probe(health, "/readyz")).isEqualTo("503 not ready");
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
  }
}
