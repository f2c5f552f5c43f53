package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose workers are separate JVMs joined over ZeroMQ: it reports what one JVM reports for
 * the same requests, and a worker killed mid-run costs only its requests in flight, named.
 */
final class MultiProcessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<Process> workers = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void stopWorkers() throws InterruptedException {
    for (Process p : workers) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private record Run(int exitCode, String out, String err) {}

  private static CompletableFuture<Run> aiperf(String... args) {
    return aiperf(null, args);
  }

  /** Runs the CLI in this JVM; its stderr also goes to a file, to watch the run's progress. */
  private static CompletableFuture<Run> aiperf(Path errFile, String... args) {
    return CompletableFuture.supplyAsync(() -> {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      java.io.Writer errSink = err;
      try {
        if (errFile != null) {
          java.io.Writer file = Files.newBufferedWriter(errFile);
          errSink = new java.io.Writer() {
            @Override
            public void write(char[] buf, int off, int len) throws java.io.IOException {
              err.write(buf, off, len);
              file.write(buf, off, len);
            }

            @Override
            public void flush() throws java.io.IOException {
              file.flush();
            }

            @Override
            public void close() throws java.io.IOException {
              file.close();
            }
          };
        }
        int code = AiperfCommand.execute(args, new PrintWriter(out, true),
            new PrintWriter(errSink, true));
        errSink.flush();
        return new Run(code, out.toString(), err.toString());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Process worker(int port, int index) throws Exception {
    return service("worker", port, "worker" + index);
  }

  private Process service(String type, int port, String name, String... more) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), AiperfCommand.class.getName(),
        "service", "--type", type, "--controller", "tcp://127.0.0.1:" + port));
    command.addAll(List.of(more));
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
    workers.add(p);
    return p;
  }

  private static String[] profile(String url, Path out, int requests, String... more) {
    List<String> args = new ArrayList<>(List.of("profile", "--url", url, "-m", "demo",
        "--streaming", "--concurrency", "24", "--request-count", String.valueOf(requests),
        "--osl", "20", "--isl", "32", "--random-seed", "7",
        // Fresh worker JVMs compile their hot paths first: keep that out of the comparison.
        "--warmup-request-count", "300",
        // The progress lines the tests wait for (not a terminal: the default would be none).
        "--ui", "simple",
        "--artifact-dir", out.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static JsonNode export(Path out) throws Exception {
    return JSON.readTree(out.resolve("profile_export_aiperf.json").toFile());
  }

  /** One metadata field of every profiling request's record (the warmup's are there too). */
  private static List<String> metadata(Path out, String field) throws Exception {
    List<String> values = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("profile_export.jsonl"))) {
      JsonNode meta = JSON.readTree(line).get("metadata");
      if ("profiling".equals(meta.path("benchmark_phase").asText())) {
        values.add(meta.path(field).asText());
      }
    }
    return values;
  }

  private static Map<String, Long> requestsPerWorker(Path out) throws Exception {
    return metadata(out, "worker_id").stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  /** Waits until the controller's progress line counts at least this many of its 1,500. */
  private static void awaitProgress(Path progress, int done) {
    java.util.regex.Pattern line = java.util.regex.Pattern.compile("Profiling: (\\d+)/1500.*");
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .until(() -> Files.exists(progress) && Files.readString(progress).lines()
            .map(line::matcher).anyMatch(m -> m.matches() && Integer.parseInt(m.group(1)) >= done
                && Integer.parseInt(m.group(1)) < 1_500));
  }

  @Test
  void threeWorkerProcesses_reportWhatOneProcessReports() throws Exception {
    // Answers slow enough that four JVMs sharing the cores stay far from the client's ceiling.
    try (MockLlmServer mock = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(40)).itl(Duration.ofMillis(5)).build())) {
      Path single = dir.resolve("single");
      Run one = aiperf(profile(mock.baseUrl(), single, 3_000)).get(120, TimeUnit.SECONDS);
      assertThat(one.exitCode()).as(one.err()).isZero();

      int port = freePort();
      Path spread = dir.resolve("spread");
      CompletableFuture<Run> controller = aiperf(profile(mock.baseUrl(), spread, 3_000,
          "--workers-remote", "3", "--zmq-port", String.valueOf(port)));
      for (int i = 0; i < 3; i++) {
        worker(port, i);
      }
      Run three = controller.get(180, TimeUnit.SECONDS);
      assertThat(three.exitCode()).as(three.err()).isZero();
      assertThat(three.err()).contains("Waiting for 3 remote workers");

      JsonNode a = export(single);
      JsonNode b = export(spread);
      assertThat(b.at("/request_count/avg").asDouble()).isEqualTo(3_000.0)
          .isEqualTo(a.at("/request_count/avg").asDouble());
      assertThat(b.path("error_summary")).isEmpty();
      // The same seeded prompts and the mock's fixed lengths: token counts agree exactly.
      for (String m : new String[] {"output_sequence_length", "input_sequence_length"}) {
        for (String stat : new String[] {"avg", "min", "max", "p50", "p99"}) {
          assertThat(b.at("/" + m + "/" + stat).asDouble()).as(m + " " + stat)
              .isEqualTo(a.at("/" + m + "/" + stat).asDouble());
        }
      }
      // Timing agrees within the precision of two runs on a shared machine: medians within 10 %.
      assertThat(b.at("/time_to_first_token/p50").asDouble())
          .isCloseTo(a.at("/time_to_first_token/p50").asDouble(),
              org.assertj.core.api.Assertions.withinPercentage(10));
      assertThat(b.at("/inter_token_latency/p50").asDouble())
          .isCloseTo(a.at("/inter_token_latency/p50").asDouble(),
              org.assertj.core.api.Assertions.withinPercentage(10));
      assertThat(b.at("/request_latency/p50").asDouble())
          .isCloseTo(a.at("/request_latency/p50").asDouble(),
              org.assertj.core.api.Assertions.withinPercentage(10));
      // Every worker process served requests, and each left when the run ended.
      assertThat(requestsPerWorker(spread)).containsOnlyKeys("worker_r0", "worker_r1",
          "worker_r2").allSatisfy((w, n) -> assertThat(n).isPositive());
      for (Process p : workers) {
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("worker exits").isTrue();
        assertThat(p.exitValue()).isZero();
      }
    }
  }

  @Test
  void aWorkerKilledMidRun_costsOnlyItsRequestsInFlight_andIsNamed() throws Exception {
    try (MockLlmServer mock = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(20)).itl(Duration.ofMillis(10)).build())) {
      int port = freePort();
      Path out = dir.resolve("killed");
      Path progress = dir.resolve("controller.err");
      CompletableFuture<Run> controller = aiperf(progress, profile(mock.baseUrl(), out, 1_500,
          "--workers-remote", "3", "--zmq-port", String.valueOf(port)));
      Process victim = null;
      for (int i = 0; i < 3; i++) {
        Process p = worker(port, i);
        victim = i == 1 ? p : victim;
      }
      // Kill one while measured requests flow.
      awaitProgress(progress, 200);
      victim.destroyForcibly();

      Run run = controller.get(180, TimeUnit.SECONDS);
      assertThat(run.exitCode()).as(run.err()).isZero();
      JsonNode json = export(out);
      long completed = json.at("/request_count/avg").asLong();
      long lost = 0;
      for (JsonNode e : json.path("error_summary")) {
        assertThat(e.at("/error_details/type").asText()).isEqualTo("WorkerLost");
        String message = e.at("/error_details/message").asText();
        assertThat(message).contains("was lost (no heartbeat");
        // Detected within 5 s of the last heartbeat.
        var silence = java.util.regex.Pattern.compile("no heartbeat for ([0-9.]+) s")
            .matcher(message);
        assertThat(silence.find()).isTrue();
        assertThat(Double.parseDouble(silence.group(1))).isLessThan(5.0);
        lost += e.path("count").asLong();
      }
      // Nothing vanished: every request is a success or a WorkerLost error.
      assertThat(completed + lost).isEqualTo(1_500);
      // At most what the killed worker could hold: the concurrency.
      assertThat(lost).isPositive().isLessThanOrEqualTo(24);
      String lostWorker = requestsPerWorker(out).entrySet().stream()
          .filter(e -> e.getKey().startsWith("worker_r")).min(Map.Entry.comparingByValue())
          .orElseThrow().getKey();
      assertThat(json.path("warnings").toString()).contains("Worker " + lostWorker
          + " was lost");
    }
  }

  @Test
  void aRemoteRecordProcessor_sharesTheParsing_andItsLossIsAccounted() throws Exception {
    try (MockLlmServer mock = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(20)).itl(Duration.ofMillis(10)).build())) {
      int port = freePort();
      Path out = dir.resolve("processor");
      Path progress = dir.resolve("controller.err");
      CompletableFuture<Run> controller = aiperf(progress, profile(mock.baseUrl(), out, 1_500,
          "--workers-remote", "1", "--zmq-port", String.valueOf(port)));
      Process processor = service("record-processor", port, "processor");
      worker(port, 0);
      awaitProgress(progress, 400);
      processor.destroyForcibly();

      Run run = controller.get(180, TimeUnit.SECONDS);
      assertThat(run.exitCode()).as(run.err()).isZero();
      JsonNode json = export(out);
      long completed = json.at("/request_count/avg").asLong();
      long lost = 0;
      for (JsonNode e : json.path("error_summary")) {
        assertThat(e.at("/error_details/type").asText()).isEqualTo("RecordProcessorLost");
        lost += e.path("count").asLong();
      }
      assertThat(completed + lost).isEqualTo(1_500);
      assertThat(json.path("warnings").toString())
          .contains("Record processor record_processor_r0 was lost");
      // Before it died, the remote processor turned responses into records.
      assertThat(metadata(out, "record_processor_id")).contains("record_processor_r0");
      // Under the controller's metric ids: each value lands under its own tag, in the same order
      // as the controller's own processors write them.
      List<String> remoteOrder = null;
      List<String> localOrder = null; // the last of each kind
      for (String line : Files.readAllLines(out.resolve("profile_export.jsonl"))) {
        JsonNode r = JSON.readTree(line);
        if (r.has("error")) {
          continue;
        }
        JsonNode m = r.get("metrics");
        assertThat(m.at("/time_to_first_token/value").asDouble()).isGreaterThanOrEqualTo(20);
        assertThat(m.at("/request_latency/value").asDouble())
            .isGreaterThan(m.at("/time_to_first_token/value").asDouble());
        assertThat(m.at("/inter_chunk_latency/value").isArray()).isTrue();
        assertThat(m.at("/input_sequence_length/unit").asText()).isEqualTo("tokens");
        List<String> order = new ArrayList<>();
        m.fieldNames().forEachRemaining(order::add);
        if (r.at("/metadata/record_processor_id").asText().equals("record_processor_r0")) {
          remoteOrder = order;
        } else {
          localOrder = order;
        }
      }
      assertThat(remoteOrder).isNotNull();
      assertThat(localOrder).isNotNull();
      List<String> remote = remoteOrder;
      List<String> local = localOrder;
      assertThat(remote.stream().filter(local::contains).toList())
          .isEqualTo(local.stream().filter(remote::contains).toList());
    }
  }

  @Test
  void withCurve_onlyAWorkerHoldingTheKeysJoins() throws Exception {
    var controllerKeys = io.aiperf.zmq.CurveKeys.generate();
    var workerKeys = io.aiperf.zmq.CurveKeys.generate();
    Path controllerSecret = dir.resolve("controller.key_secret");
    Path controllerPublic = dir.resolve("controller.key");
    Path workerSecret = dir.resolve("worker.key_secret");
    Path authorized = Files.createDirectories(dir.resolve("authorized"));
    controllerKeys.saveSecret(controllerSecret);
    controllerKeys.savePublic(controllerPublic);
    workerKeys.saveSecret(workerSecret);
    workerKeys.savePublic(authorized.resolve("worker.key"));
    try (MockLlmServer mock = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(2)).itl(Duration.ofMillis(1)).build())) {
      int port = freePort();
      Path out = dir.resolve("curve");
      CompletableFuture<Run> controller = aiperf(profile(mock.baseUrl(), out, 200,
          "--workers-remote", "1", "--zmq-port", String.valueOf(port),
          "--curve-key-file", controllerSecret.toString(),
          "--curve-authorized-keys", authorized.toString()));
      // Without the controller's key a worker cannot even talk to it: it gives up, exit 1.
      Process stranger = service("worker", port, "stranger", "--join-timeout", "5");
      assertThat(stranger.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(stranger.exitValue()).isEqualTo(1);
      assertThat(Files.readString(dir.resolve("stranger.log")))
          .contains("No answer from the ZMQ hub").contains("CURVE keys");
      service("worker", port, "member", "--curve-key-file", workerSecret.toString(),
          "--curve-server-key-file", controllerPublic.toString());
      Run run = controller.get(120, TimeUnit.SECONDS);
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(export(out).at("/request_count/avg").asDouble()).isEqualTo(200.0);
      // No secret key in anything the run wrote or printed.
      String secret = controllerKeys.secretKey();
      assertThat(run.err() + run.out()).doesNotContain(secret);
      try (var files = Files.walk(out)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(Files.readString(f)).as(f.toString()).doesNotContain(secret);
        }
      }
    }
  }
}
