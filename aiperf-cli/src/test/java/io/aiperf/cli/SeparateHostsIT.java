package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run spread over hosts that really are separate: the controller, the mock server and each
 * worker in a network namespace of its own, joined by a bridge (see {@link Netns}), every one a
 * JVM of its own. The workers' clocks run off the controller's by seconds and drift: one in a
 * Linux time namespace (its CLOCK_MONOTONIC, which {@code System.nanoTime()} reads, is 7 s
 * ahead) plus an injected drift, the other through the injected test clock alone
 * ({@code aiperf.testing.clockSkew}); a third keeps the true clock, the yardstick within one
 * run. With the clock correction the run reports what one JVM reports; without it, it would not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class SeparateHostsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REQUESTS = 250;
  private static final int RATE = 50;
  private static final String MOCK_PORT = "8000";
  /** The time-namespaced worker's CLOCK_MONOTONIC runs this far ahead of the controller's. */
  private static final int W0_AHEAD_SECONDS = 7;
  /** The other worker's injected clock: 4.5 s behind, losing 70 ppm. */
  private static final String W1_SKEW = "-4.5s,-70ppm";
  /**
   * How much later remote workers may send than one JVM (medians). The credit's trip over the
   * bus (2 to 3 ms at the median on a loaded two-core machine, which the remote workers' median
   * lateness was before) is not part of it: a timed schedule's credits go to remote workers
   * ahead of their time, and each worker sends them at the intended time on its own clock.
   */
  private static final double REMOTE_LATENESS_ALLOWANCE_MS = 1.0;

  @TempDir
  static Path dir;
  private static Netns net;
  private static boolean timeNamespaces;
  private static JsonNode baseline;
  private static int runs;

  @BeforeAll
  static void hosts() throws Exception {
    String why = Netns.unusableBecause();
    Assumptions.assumeTrue(why.isEmpty(), () -> "separate hosts need root and ip netns: " + why);
    net = new Netns("ctl", "mock", "w0", "w1", "w2");
    timeNamespaces = Netns.run(List.of("unshare", "--time", "--monotonic", "1", "--fork",
        "--kill-child", "true")).code() == 0;
    Path log = dir.resolve("mock.log");
    net.start("mock", log, List.of(java(), "-Xmx192m", "-cp", System.getProperty(
        "java.class.path"), "io.aiperf.mock.MockServerMain", "--host", net.address("mock"),
        "--port", MOCK_PORT, "--ttft", "60", "--itl", "15"));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log)
        .contains("listening"));
  }

  @AfterAll
  static void removeHosts() throws Exception {
    // The processes' logs outlive the temporary directory, for a look after a failure.
    Path keep = Files.createDirectories(Path.of("target", "separate-hosts-it"));
    try (var logs = Files.list(dir)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        Files.copy(log, keep.resolve(log.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (net != null) {
      net.close();
      assertThat(net.allRemoved()).as("every namespace this test made is gone").isTrue();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code aiperf profile} on the controller's host; remote workers when asked. */
  private static Process controller(Path out, int port, int remoteWorkers, String... more)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx384m"));
    if (remoteWorkers > 0) {
      // The client warm-up warms this JVM's workers; a run with remote ones has none here.
      command.add("-Daiperf.warmup=false");
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        AiperfCommand.class.getName(), "profile", "--url",
        "http://" + net.address("mock") + ":" + MOCK_PORT, "-m", "demo", "--streaming",
        "--request-rate", String.valueOf(RATE), "--arrival-pattern", "constant",
        "--request-count", String.valueOf(REQUESTS), "--osl", "8", "--isl", "32",
        "--random-seed", "7", "--warmup-request-count", "60", "--slice-duration", "1",
        "--ui", "simple", "--artifact-dir", out.toString()));
    if (remoteWorkers > 0) {
      command.addAll(List.of("--workers-remote", String.valueOf(remoteWorkers), "--zmq-host",
          net.address("ctl"), "--zmq-port", String.valueOf(port)));
    }
    command.addAll(List.of(more));
    return net.start("ctl", dir.resolve(out.getFileName() + "-controller.log"), command);
  }

  /** {@code aiperf service} on a worker's host, with its clock skewed as described above. */
  private static Process worker(String host, int port, boolean corrected) throws Exception {
    List<String> command = new ArrayList<>();
    String skew = host.equals("w2") ? "0s" : W1_SKEW; // w2 keeps the true clock
    if (host.equals("w0")) {
      if (timeNamespaces) {
        command.addAll(List.of("unshare", "--time", "--monotonic",
            String.valueOf(W0_AHEAD_SECONDS), "--fork", "--kill-child"));
        skew = "0s,+50ppm";
      } else {
        skew = "+" + W0_AHEAD_SECONDS + "s,+50ppm";
      }
    }
    command.addAll(List.of(java(), "-Xmx256m", "-Daiperf.testing.clockSkew=" + skew,
        // INFO in the worker's log (kept under target/): its clock offset, its pacing thread.
        "-Dlogback.configurationFile=io/aiperf/cli/logback-info.xml"));
    if (!corrected) {
      command.add("-Daiperf.testing.clockCorrection=off");
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        AiperfCommand.class.getName(), "service", "--controller",
        "tcp://" + net.address("ctl") + ":" + port, "--join-timeout", "60"));
    return net.start(host, dir.resolve("run" + runs + "-" + host + ".log"), command);
  }

  private static JsonNode finish(Process controller, Path out) throws Exception {
    assertThat(controller.waitFor(120, TimeUnit.SECONDS)).as("the run ends").isTrue();
    Path log = dir.resolve(out.getFileName() + "-controller.log");
    assertThat(controller.exitValue()).as(Files.readString(log)).isZero();
    return JSON.readTree(out.resolve("profile_export_aiperf.json").toFile());
  }

  /** The complete slices' request counts. */
  private static List<Integer> sliceCounts(Path out) throws Exception {
    List<Integer> counts = new ArrayList<>();
    for (JsonNode s : JSON.readTree(out.resolve("profile_export_aiperf_timeslices.json")
        .toFile()).path("timeslices")) {
      if (!s.has("is_complete")) { // only the clipped last slice says so (false)
        counts.add(s.at("/request_count/avg").asInt());
      }
    }
    return counts;
  }

  private static int allSlices(Path out) throws Exception {
    return JSON.readTree(out.resolve("profile_export_aiperf_timeslices.json").toFile())
        .path("timeslices").size();
  }

  private static double p50(JsonNode run, String metric) {
    return run.at("/" + metric + "/p50").asDouble();
  }

  /**
   * Appends a line to {@code target/separate-hosts-it/lateness.txt}: the numbers a run compared,
   * kept across runs, since a timing-sensitive test's margins are worth seeing when it passes.
   */
  private static void keep(String line) throws java.io.IOException {
    Path keep = Files.createDirectories(Path.of("target", "separate-hosts-it"));
    Files.writeString(keep.resolve("lateness.txt"), java.time.Instant.now() + " " + line + "\n",
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }

  private static String lateness(JsonNode run) {
    return String.format(java.util.Locale.ROOT, "p50 %.3f p90 %.3f p99 %.3f ms",
        run.at("/schedule_lateness/p50").asDouble(), run.at("/schedule_lateness/p90").asDouble(),
        run.at("/schedule_lateness/p99").asDouble());
  }

  /** Runs the controller and remote workers on these hosts; returns the export. */
  private static JsonNode spread(Path out, boolean corrected, Map<String, Process> workers,
      String... hosts) throws Exception {
    int port = 5557 + runs++;
    Process controller = controller(out, port, hosts.length);
    for (String host : hosts) {
      workers.put(host, worker(host, port, corrected));
    }
    return finish(controller, out);
  }

  /** Which host each worker id ran on, from the pids in the report's remote clocks. */
  private static Map<String, String> hostsOf(JsonNode run, Map<String, Process> workers) {
    Map<String, String> hosts = new HashMap<>();
    for (JsonNode c : run.path("remote_clocks")) {
      String host = "w0"; // behind unshare: its JVM's pid is not the process we started
      for (var w : workers.entrySet()) {
        if (c.path("host").asText().endsWith("pid " + w.getValue().pid())) {
          host = w.getKey();
        }
      }
      hosts.put(c.path("service_id").asText(), host);
    }
    return hosts;
  }

  /** A record metric's median per host, over the profiling requests. */
  private static Map<String, Double> medianByHost(Path out, Map<String, String> hosts,
      String metric) throws Exception {
    Map<String, List<Double>> values = new HashMap<>();
    for (String line : Files.readAllLines(out.resolve("profile_export.jsonl"))) {
      JsonNode r = JSON.readTree(line);
      JsonNode v = r.at("/metrics/" + metric + "/value");
      if ("profiling".equals(r.at("/metadata/benchmark_phase").asText()) && v.isNumber()) {
        values.computeIfAbsent(hosts.get(r.at("/metadata/worker_id").asText()),
            k -> new ArrayList<>()).add(v.asDouble());
      }
    }
    Map<String, Double> medians = new TreeMap<>();
    values.forEach((host, list) -> {
      Collections.sort(list);
      medians.put(host, list.get(list.size() / 2));
    });
    return medians;
  }

  @Test
  @Order(1)
  void offsetClocks_giveWhatOneJvmGives_onlyWithTheCorrection() throws Exception {
    Path one = dir.resolve("one-jvm");
    baseline = finish(controller(one, 0, 0), one);
    Path spread = dir.resolve("spread");
    Map<String, Process> workers = new HashMap<>();
    JsonNode b = spread(spread, true, workers, "w0", "w1", "w2");
    JsonNode a = baseline;
    // Each worker warmed its client path before it served (the controller's warm-up warms only
    // the controller's JVM): cold, their TTFT read 0.5-0.7 ms over one JVM's, 1.7 ms on CI.
    for (String host : List.of("w0", "w1", "w2")) {
      assertThat(Files.readString(dir.resolve("run" + runs + "-" + host + ".log")))
          .as("the log of the worker on " + host).contains("Client warmed up");
    }

    assertThat(b.at("/request_count/avg").asInt()).isEqualTo(REQUESTS)
        .isEqualTo(a.at("/request_count/avg").asInt());
    assertThat(b.path("error_summary")).isEmpty();
    // Intervals on one host's clock: the same within 2 %.
    List<String> intervals = List.of("time_to_first_token", "inter_token_latency",
        "request_latency");
    StringBuilder medians = new StringBuilder("interval p50s, one JVM vs remote workers, ms:");
    for (String m : intervals) {
      medians.append(String.format(java.util.Locale.ROOT, " %s %.3f vs %.3f", m, p50(a, m),
          p50(b, m)));
    }
    keep(medians.toString());
    for (String m : intervals) {
      assertThat(p50(b, m)).as(m).isCloseTo(p50(a, m), withinPercentage(2));
    }
    // Across clocks: the send time (worker) against the schedule (controller). In one run,
    // the workers 7 s ahead and 4.5 s behind send exactly as late as the one on the true
    // clock: the correction leaves less than 1 ms of the offsets.
    Map<String, Double> lateness = medianByHost(spread, hostsOf(b, workers),
        "schedule_lateness");
    keep("schedule lateness: one JVM " + lateness(a) + "; remote workers " + lateness(b)
        + "; median by host " + lateness);
    assertThat(lateness).containsOnlyKeys("w0", "w1", "w2");
    assertThat(lateness.get("w0")).as("lateness by host, ms: " + lateness)
        .isCloseTo(lateness.get("w2"), within(1.0));
    assertThat(lateness.get("w1")).as("lateness by host, ms: " + lateness)
        .isCloseTo(lateness.get("w2"), within(1.0));
    // Against one JVM: the credits crossed the bus ahead of their time, so no more late.
    assertThat(p50(b, "schedule_lateness")).as("schedule lateness, ms, vs one JVM")
        .isCloseTo(p50(a, "schedule_lateness"), within(REMOTE_LATENESS_ALLOWANCE_MS));
    // The slices: the same grid, one second of the constant rate in each complete one.
    assertThat(allSlices(spread)).isBetween(allSlices(one) - 1, allSlices(one) + 1);
    assertThat(sliceCounts(spread)).isNotEmpty().allSatisfy(n -> assertThat(n)
        .isBetween(RATE - RATE / 10, RATE + RATE / 10));
    assertThat(b.at("/benchmark_duration/avg").asDouble())
        .isCloseTo(a.at("/benchmark_duration/avg").asDouble(), withinPercentage(5));

    // Each worker's offset, as measured: the controller's clock minus the worker's.
    JsonNode clocks = b.path("remote_clocks");
    assertThat(clocks).hasSize(3);
    Map<String, String> hosts = hostsOf(b, workers);
    for (JsonNode c : clocks) {
      String host = hosts.get(c.path("service_id").asText());
      double expectedMs = host.equals("w1") ? 4_500
          : host.equals("w0") ? -W0_AHEAD_SECONDS * 1_000 : 0;
      // Within the drift since the worker started (well under 10 ms) and the uncertainty.
      assertThat(c.path("offset_ms").asDouble()).as(c.toString())
          .isCloseTo(expectedMs, within(10.0 + c.path("uncertainty_ms").asDouble()));
      assertThat(c.path("uncertainty_ms").asDouble()).as(c.toString()).isPositive()
          .isLessThan(5.0);
      assertThat(c.path("corrected").asBoolean()).isTrue();
      assertThat(c.path("clock_steps").asInt()).isZero();
    }
    Path console = spread.resolve("profile_export_console.txt");
    if (Files.exists(console)) {
      assertThat(Files.readString(console)).contains("Remote Clocks");
    }

    // The same run with the correction off: the stamps of two clocks mixed.
    Path off = dir.resolve("uncorrected");
    JsonNode c = spread(off, false, new HashMap<>(), "w0", "w1");
    keep("schedule lateness without the correction: " + lateness(c));
    assertThat(c.at("/request_count/avg").asInt()).isEqualTo(REQUESTS);
    // Intervals on one clock still agree: the offset cancels out of them.
    assertThat(p50(c, "inter_token_latency")).isCloseTo(p50(a, "inter_token_latency"),
        withinPercentage(2));
    // But lateness is off by seconds, the window spans both clocks, the slices are wrong.
    assertThat(Math.abs(p50(c, "schedule_lateness") - p50(a, "schedule_lateness")))
        .as("uncorrected lateness, ms").isGreaterThan(1_000);
    assertThat(c.at("/benchmark_duration/avg").asDouble())
        .isGreaterThan(a.at("/benchmark_duration/avg").asDouble() + 5);
    assertThat(sliceCounts(off)).as("requests per complete slice")
        .anyMatch(n -> n < RATE - RATE / 10 || n > RATE + RATE / 10);
    assertThat(c.path("warnings").toString()).contains("NOT moved to the controller's clock");
  }

  @Test
  @Order(2)
  void onLossyLinks_aWorkerKilledInItsNamespace_isFoundWithinFiveSeconds_andEveryRecordCounted()
      throws Exception {
    // Both workers' links drop packets (and are slowed, where the kernel has netem): the bus
    // has to get every message through TCP's retransmissions.
    String applied = net.degrade("w0", 4, 2);
    net.degrade("w1", 4, 2);
    try {
      killOneWorker(applied);
    } finally {
      net.restore("w0");
      net.restore("w1");
    }
  }

  private void killOneWorker(String links) throws Exception {
    Path out = dir.resolve("killed");
    int port = 5557 + runs++;
    Process controller = controller(out, port, 2);
    worker("w0", port, true);
    Process victim = worker("w1", port, true); // not behind unshare: its pid is the JVM's
    Path log = dir.resolve(out.getFileName() + "-controller.log");
    java.util.regex.Pattern line = java.util.regex.Pattern.compile(
        "Profiling: (\\d+)/" + REQUESTS + ".*");
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> Files.readString(log).lines().map(line::matcher)
            .anyMatch(m -> m.matches() && Integer.parseInt(m.group(1)) >= REQUESTS / 3));
    victim.destroyForcibly();
    JsonNode json = finish(controller, out);
    long completed = json.at("/request_count/avg").asLong();
    long lost = 0;
    for (JsonNode e : json.path("error_summary")) {
      assertThat(e.at("/error_details/type").asText()).isEqualTo("WorkerLost");
      var silence = java.util.regex.Pattern.compile("no heartbeat for ([0-9.]+) s")
          .matcher(e.at("/error_details/message").asText());
      assertThat(silence.find()).isTrue();
      assertThat(Double.parseDouble(silence.group(1))).isLessThan(5.0);
      lost += e.path("count").asLong();
    }
    assertThat(completed + lost).as("every request is a record; links: " + links)
        .isEqualTo(REQUESTS);
    assertThat(lost).as("the killed worker's requests, ended as WorkerLost").isPositive();
    assertThat(json.path("warnings").toString()).contains("was lost (no heartbeat");
    // The surviving worker's clock was measured through the lossy link all along.
    assertThat(json.path("remote_clocks")).allSatisfy(c -> assertThat(c.path("samples")
        .asLong()).isGreaterThan(8));
  }
}
