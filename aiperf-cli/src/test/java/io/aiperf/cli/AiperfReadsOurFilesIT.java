package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AIPerf 0.13's own tools read our artifact directories: its record, raw-record, export and
 * config models, its {@code inputs.json} loader, the load step of {@code aiperf plot}, and
 * {@code aiperf plot} itself rendering its charts, for a streaming chat run with warmup and HTTP
 * traces, a run with server errors, an open-loop run and a multi-turn run.
 *
 * <p>Runs where the environment variable {@code AIPERF_PYTHON} names a Python with
 * {@code aiperf==0.13.0} installed ({@code compat/aiperf-0.13/setup-venv.sh} makes one, and
 * {@code .ci/run} sets it); elsewhere it is skipped and says so.
 */
final class AiperfReadsOurFilesIT {
  private static final Path COMPAT = Path.of("..", "compat", "aiperf-0.13").toAbsolutePath()
      .normalize();
  private static Path python;

  @BeforeAll
  static void findAiperf() {
    String configured = System.getenv("AIPERF_PYTHON");
    Assumptions.assumeTrue(configured != null && !configured.isBlank(),
        "AIPERF_PYTHON is not set: run compat/aiperf-0.13/setup-venv.sh and set it to the python"
            + " it prints to check our files with AIPerf 0.13's own tools");
    python = Path.of(configured);
    assertThat(python).as("AIPERF_PYTHON").isExecutable();
  }

  private record Proc(int exitCode, String output) {}

  /** Runs a process with its own HOME (aiperf plot writes a config there), bounded in time. */
  private static Proc run(Path home, List<String> command) throws IOException,
      InterruptedException {
    Path log = home.resolve("proc-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("HOME", home.toString());
    env.put("NO_COLOR", "1");
    env.put("COLUMNS", "200");
    Process p = pb.start();
    try {
      boolean done = p.waitFor(5, TimeUnit.MINUTES);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(done).as("%s ended within 5 minutes; output so far:%n%s", command, output)
          .isTrue();
      return new Proc(p.exitValue(), output);
    } finally {
      p.destroyForcibly();
    }
  }

  private static Path profile(Path dir, String name, String... flags) {
    Path out = dir.resolve(name);
    List<String> args = new ArrayList<>(List.of("profile", "--url", "mock", "-m", "mock-model",
        "--endpoint-type", "chat", "--streaming", "--osl", "16", "--isl", "32",
        "--mock-ttft", "5", "--mock-itl", "1", "--random-seed", "42", "--export-level", "raw",
        "--slice-duration", "0.5", "--ui", "none", "--artifact-dir", out.toString()));
    args.addAll(List.of(flags));
    StringWriter err = new StringWriter();
    int code = AiperfCommand.execute(args.toArray(String[]::new),
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertThat(code).as("%s: %s", name, err).isZero();
    return out;
  }

  /** A run whose one worker joins over ZeroMQ (here, from a thread of this JVM). */
  private static Path remoteWorkerRun(Path dir) throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    var worker = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      StringWriter err = new StringWriter();
      int code = AiperfCommand.execute(new String[] {"service", "--controller",
          "tcp://127.0.0.1:" + port}, new PrintWriter(new StringWriter(), true),
          new PrintWriter(err, true));
      return code + " " + err;
    });
    Path out = profile(dir, "remote", "--request-rate", "50", "--request-count", "20",
        "--workers-remote", "1", "--zmq-port", String.valueOf(port));
    assertThat(worker.get(60, TimeUnit.SECONDS)).startsWith("0 ");
    return out;
  }

  @Test
  void aiperfsModelsAndPlot_acceptOurArtifactDirectories(@TempDir Path dir) throws Exception {
    Path streaming = profile(dir, "streaming", "--concurrency", "4", "--request-count", "40",
        "--warmup-request-count", "4", "--export-http-trace", "--mock-gpus", "2",
        "--server-metrics-formats", "json", "csv", "jsonl");
    Path errors = profile(dir, "errors", "--concurrency", "4", "--request-count", "40",
        "--mock-error-rate", "25");
    Path openLoop = profile(dir, "open-loop", "--request-rate", "50", "--request-count", "40");
    Path multiTurn = profile(dir, "multi-turn", "--concurrency", "4", "--num-conversations",
        "8", "--session-turns-mean", "3", "--session-turns-stddev", "0");

    Path remote = remoteWorkerRun(dir);
    // aiperf-java's own key, which AIPerf's models must let pass.
    assertThat(Files.readString(remote.resolve("profile_export_aiperf.json")))
        .contains("\"remote_clocks\"");

    Proc check = run(dir, List.of(python.toString(),
        COMPAT.resolve("check_with_aiperf.py").toString(), streaming.toString(),
        errors.toString(), openLoop.toString(), multiTurn.toString(), remote.toString()));
    assertThat(check.output()).as(check.output()).doesNotContain("FAIL");
    assertThat(check.exitCode()).as(check.output()).isZero();
    // The mock's /metrics and DCGM page (on by default with --url mock) were read as AIPerf's.
    assertThat(check.output()).contains("OK   server_metrics_export.json as"
        + " ServerMetricsExportData", "OK   server_metrics_export.jsonl as SlimRecord",
        "OK   gpu_telemetry_export.jsonl as TelemetryRecord");
    // Every directory was read whole: AIPerf's plot loader found the requests of each run.
    assertThat(check.output()).contains("requests=44 ", "requests=40 ", "requests=24 ");

    // aiperf plot itself: the charts of a streaming run, over its records and its time slices.
    Proc plot = run(dir, List.of(python.resolveSibling("aiperf").toString(), "plot",
        streaming.toString()));
    assertThat(plot.exitCode()).as(plot.output()).isZero();
    for (String chart : List.of("ttft_over_time", "ttft_timeline", "timeslices_ttft",
        "timeslices_itl")) {
      Path png = streaming.resolve("plots").resolve(chart + ".png");
      assertThat(png).as("%s in the output of aiperf plot:%n%s", chart, plot.output()).exists();
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image).as("%s decodes as a PNG", png).isNotNull();
      assertThat(image.getWidth()).isGreaterThan(100);
    }
  }
}
