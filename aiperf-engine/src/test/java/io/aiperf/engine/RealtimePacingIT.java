package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.net.httpserver.HttpServer;
import io.aiperf.api.ArrivalPattern;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.BenchmarkRun;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.engine.internal.timing.RealtimePriority;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The thread that paces a request rate runs in real time where the system allows it, as
 * {@code chrt -p} would show a user, and stays ordinary when asked to.
 */
final class RealtimePacingIT {
  private static final byte[] ANSWER = ("{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"hi there\"}}]}")
      .getBytes(StandardCharsets.UTF_8);

  private HttpServer http;

  @BeforeEach
  void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", x -> {
      x.getRequestBody().readAllBytes();
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.sendResponseHeaders(200, ANSWER.length);
      x.getResponseBody().write(ANSWER);
      x.close();
    });
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  /** Whether this machine lets a thread of this JVM run in real time. */
  private static boolean realtimeAllowed() throws InterruptedException {
    AtomicReference<RealtimePriority.Grant> grant = new AtomicReference<>();
    Thread probe = new Thread(() -> {
      grant.set(RealtimePriority.raiseCurrentThread());
      RealtimePriority.lowerCurrentThread();
    });
    probe.start();
    probe.join(30_000);
    return grant.get().granted();
  }

  /**
   * The scheduling policy each pacing thread of this JVM was last seen with while a run at 200/s
   * lasted (a thread asks for its priority when it starts: the first milliseconds do not count).
   */
  private Set<Integer> pacingPolicies(boolean realtime, boolean rate) throws Exception {
    Benchmark.Builder b = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://127.0.0.1:" + http.getAddress().getPort())
            .model("demo"))
        .requestCount(rate ? 600 : 60)
        .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(4, 0).seed(1))
        .realtimePacing(realtime);
    // JDK's server answers a closed loop of one connection only every ~45 ms (delayed ACKs).
    BenchmarkRun run = (rate ? b.requestRate(200).arrivalPattern(ArrivalPattern.CONSTANT)
        : b.concurrency(1)).start();
    Map<String, Integer> last = new HashMap<>();
    while (!run.result().isDone()) {
      try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
        tasks.forEach(task -> {
          try {
            if (Files.readString(task.resolve("comm")).strip().equals("aiperf-timing")) {
              last.put(task.getFileName().toString(), policy(task));
            }
          } catch (IOException gone) {
            // the thread ended between the listing and the read
          }
        });
      }
      Thread.sleep(20);
    }
    BenchmarkResult result = run.result().get(60, TimeUnit.SECONDS);
    assertThat(result.requestsCompleted()).isEqualTo(rate ? 600 : 60);
    Set<Integer> seen = new HashSet<>(last.values());
    seen.remove(-1);
    return seen;
  }

  private static int policy(Path task) throws IOException {
    String stat = Files.readString(task.resolve("stat"));
    return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[38]);
  }

  @Test
  void thePacingThreadRunsInRealTime_whereAllowed_andOrdinaryWhenTurnedOff() throws Exception {
    assumeThat(System.getProperty("os.name")).containsIgnoringCase("linux");
    boolean allowed = realtimeAllowed();
    // First, as it also holds the client's warm-up (once per JVM), a closed loop too.
    assertThat(pacingPolicies(true, false)).as("a closed loop keeps no schedule: ordinary")
        .containsOnly(0);
    Set<Integer> byDefault = pacingPolicies(true, true);
    assertThat(byDefault).as("a pacing thread was seen").isNotEmpty();
    if (allowed) {
      assertThat(byDefault).as("SCHED_FIFO").containsOnly(1);
    } else {
      assertThat(byDefault).as("SCHED_OTHER").containsOnly(0);
    }
    assertThat(pacingPolicies(false, true)).as("turned off: ordinary").containsOnly(0);
  }
}
