package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ExportLevel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many concurrent streams from this JVM against the mock server in another JVM: every stream is
 * open at the same time, none fails, and the memory each costs is reported, over HTTP/1.1 (a
 * connection per stream) and over h2c (streams multiplexed). CI runs 2,000 of each; the documented
 * scale benchmark runs the h2c test with {@code -Dscale.h2=true -Dscale.streams=50000} (see
 * README).
 */
final class ScaleIT {
  private static final Logger log = LoggerFactory.getLogger(ScaleIT.class);
  private static final int STREAMS = Integer.getInteger("scale.streams", 2_000);
  /** Long, slow streams: all are open together, and the mock's chunk rate stays modest. */
  private static final int TTFT_MS = Integer.getInteger("scale.ttftMs", 500);
  private static final int ITL_MS = Integer.getInteger("scale.itlMs", 50);
  private static final int OSL = Integer.getInteger("scale.osl", 20);

  /**
   * Which protocols to run: unset for both, {@code true} for h2c only (the 50,000-stream run, which
   * HTTP/1.1 cannot reach under this machine's open-file limit), {@code false} for HTTP/1.1 only.
   */
  private static final String H2 = System.getProperty("scale.h2", "");
  /** The mock child's heap: it holds a child channel and a timer per open stream. */
  private static final String MOCK_XMX = System.getProperty("scale.mockXmx", "2g");

  @Test
  void everyStreamIsOpenAtOnce_andNoneFails(@TempDir Path dir) throws Exception {
    assumeTrue(!H2.equals("true"), "scale.h2=true runs only the h2c variant");
    run(dir, false);
  }

  /** The same over HTTP/2 cleartext: the streams share a connection per 1,000. */
  @Test
  void overH2c_everyStreamIsOpenAtOnce_andNoneFails(@TempDir Path dir) throws Exception {
    assumeTrue(!H2.equals("false"), "scale.h2=false runs only the HTTP/1.1 variant");
    run(dir, true);
  }

  private void run(Path dir, boolean h2) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + MOCK_XMX));
    // Extra JVM flags for the mock child, e.g. a flight recording while investigating.
    String mockJvmArgs = System.getProperty("scale.mockJvmArgs", "").trim();
    if (!mockJvmArgs.isEmpty()) {
      command.addAll(List.of(mockJvmArgs.split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "io.aiperf.mock.MockServerMain", "--host", "127.0.0.1", "--port", "0",
        "--ttft", String.valueOf(TTFT_MS), "--itl", String.valueOf(ITL_MS)));
    Process mock = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String url = awaitUrl(mock);
      if (h2) {
        url = url.replace("http://", "h2c://");
      }
      AtomicLong peakRss = new AtomicLong();
      long baselineRss = rssBytes();
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peakRss.accumulateAndGet(rssBytes(), Math::max);
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "rss-sampler");
      sampler.setDaemon(true);
      sampler.start();
      BenchmarkResult r;
      try {
        r = Benchmark.builder()
            .endpoint(Endpoints.openAiChat(url).model("demo").streaming(true)
                .requestTimeout(Duration.ofMinutes(5)))
            .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(OSL, 0).seed(1))
            .concurrency(STREAMS).requestCount(STREAMS)
            // Two source addresses, as a 50k HTTP/1.1 run needs: the spreading is exercised for
            // real (and over h2c must not get in the way).
            .sourceAddresses(List.of("127.0.0.1", "127.0.0.2"))
            .startupTimeout(Duration.ofMinutes(2))
            .artifactDir(dir).exportLevel(ExportLevel.RECORDS)
            .run();
      } finally {
        sampler.interrupt();
      }
      assertThat(r.requestsCompleted()).as("completed").isEqualTo(STREAMS);
      assertThat(r.requestsFailed()).as("failed").isZero();
      int peak = peakOpenStreams(dir.resolve("profile_export.jsonl"));
      assertThat(peak).as("streams open at the same time").isEqualTo(STREAMS);
      long perStream = (peakRss.get() - baselineRss) / STREAMS;
      var ttft = r.metric(io.aiperf.api.Metrics.TIME_TO_FIRST_TOKEN);
      logRamp(dir.resolve("profile_export.jsonl"));
      log.info("Scale ({}): {} concurrent streams reached, {} failed; client RSS {} MiB -> peak"
          + " {} MiB, about {} KiB per open stream; TTFT p50 {} ms, p99 {} ms (mock: {} ms)",
          h2 ? "h2c" : "HTTP/1.1", peak, r.requestsFailed(), baselineRss >> 20,
          peakRss.get() >> 20, perStream >> 10, Math.round(ttft.p50()), Math.round(ttft.p99()),
          TTFT_MS);
    } finally {
      mock.destroy();
      if (!mock.waitFor(10, TimeUnit.SECONDS)) {
        mock.destroyForcibly();
      }
    }
  }

  private static String awaitUrl(Process mock) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(mock.getInputStream(),
        StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
      int at = line.indexOf("listening on ");
      if (at >= 0) {
        String url = line.substring(at + "listening on ".length()).split(" ")[0];
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "mock-output");
        drain.setDaemon(true);
        drain.start();
        return url;
      }
    }
    throw new AssertionError("the mock server did not start");
  }

  /** The most requests whose [start, end] intervals overlap, from the per-request export. */
  private static int peakOpenStreams(Path jsonl) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<long[]> events = new ArrayList<>();
    for (String line : Files.readAllLines(jsonl)) {
      JsonNode meta = mapper.readTree(line).get("metadata");
      events.add(new long[] {meta.get("request_start_ns").asLong(), +1});
      events.add(new long[] {meta.get("request_end_ns").asLong(), -1});
    }
    long[][] sorted = events.toArray(long[][]::new);
    // Ends before starts at the same instant: touching intervals do not overlap.
    Arrays.sort(sorted, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
        : Long.compare(a[1], b[1]));
    int open = 0;
    int peak = 0;
    for (long[] e : sorted) {
      open += (int) e[1];
      peak = Math.max(peak, open);
    }
    return peak;
  }

  /**
   * How long sending every request took, and the TTFT of the first and last tenth sent: when the
   * late ones wait longer, the burst itself (both JVMs busy on shared cores) delayed them.
   */
  private static void logRamp(Path jsonl) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<double[]> startAndTtft = new ArrayList<>();
    for (String line : Files.readAllLines(jsonl)) {
      JsonNode record = mapper.readTree(line);
      startAndTtft.add(new double[] {record.at("/metadata/request_start_ns").asDouble(),
          record.at("/metrics/time_to_first_token/value").asDouble()});
    }
    startAndTtft.sort((a, b) -> Double.compare(a[0], b[0]));
    int tenth = Math.max(1, startAndTtft.size() / 10);
    double ramp = (startAndTtft.get(startAndTtft.size() - 1)[0] - startAndTtft.get(0)[0]) / 1e9;
    log.info("Scale: all requests sent within {} s; TTFT median of the first tenth sent {} ms,"
        + " of the last tenth {} ms", String.format(java.util.Locale.ROOT, "%.2f", ramp),
        Math.round(median(startAndTtft.subList(0, tenth))),
        Math.round(median(startAndTtft.subList(startAndTtft.size() - tenth,
            startAndTtft.size()))));
  }

  private static double median(List<double[]> rows) {
    double[] v = rows.stream().mapToDouble(a -> a[1]).sorted().toArray();
    return v[v.length / 2];
  }

  private static long rssBytes() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (Exception e) {
      // Not Linux: fall back to the heap.
    }
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return heap.getUsed();
  }
}
