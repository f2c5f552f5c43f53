package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkFailedException;
import io.aiperf.api.BenchmarkListener;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.BenchmarkRun;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ErrorSummary;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.Outcomes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server goes away mid-run: the run still ends, on time, and agrees with what the server
 * counted it did before it went.
 */
final class ServerVanishesIT {
  @Test
  void serverShutsDownMidRun_runEndsWithResultsAndTypedErrors(@TempDir Path dir) {
    MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(5)).itl(Duration.ofMillis(20)).build());
    AtomicLong done = new AtomicLong();
    BenchmarkRun run;
    try {
      run = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true)
              .requestTimeout(Duration.ofSeconds(20)))
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(20, 0).seed(3))
          .concurrency(8).requestCount(400)
          .artifactDir(dir)
          .listener(new BenchmarkListener() {
            @Override
            public void onProgress(long completed, long errors, long total) {
              done.set(completed);
            }
          })
          .start();
      await().atMost(Duration.ofSeconds(60)).until(() -> done.get() >= 20);
    } finally {
      server.close(); // mid-run: open streams are cut, new connections are refused
    }
    // What the mock did before it vanished, final once close() returns: every answer the close
    // cut is counted as abandoned by then.
    Outcomes truth = server.outcomes();
    // Bounded by the refusals, far below the 20 s request timeout.
    BenchmarkResult r = await().atMost(Duration.ofSeconds(30))
        .until(() -> run.result().isDone() ? result(run) : null, x -> x != null);
    assertThat(r.requestsCompleted()).isGreaterThanOrEqualTo(20);
    // What is exact: the mock ended every request it read (answered in full, or cut by the
    // close), and the client cannot have completed more than the mock answered in full.
    assertThat(truth.inProgress()).isZero();
    assertThat(truth.received()).as("requests the mock received, each once")
        .isLessThanOrEqualTo(r.requestsSent());
    assertThat(r.requestsCompleted()).as("completed").isLessThanOrEqualTo(truth.completed());
    // What is bounded: the requests in flight when the server closed, at most the 8 slots, were
    // either cut by it (the mock's abandoned) or written in full just before yet lost with their
    // connection (the mock's completed beyond the client's); and there were some.
    assertThat(truth.abandoned() + truth.completed() - r.requestsCompleted())
        .as("requests in flight as the server closed").isBetween(1L, 8L);
    assertThat(r.requestsCancelled()).isZero();
    assertThat(r.requestsFailed()).isPositive();
    assertThat(r.errors()).extracting(ErrorSummary::type)
        .isSubsetOf("ConnectionClosed", "ConnectionError");
    assertThat(dir.resolve("profile_export_aiperf.json")).exists();
  }

  @Test
  void serverGoesSilent_everyRequestTimesOut_andTheRunStillExports(@TempDir Path dir)
      throws Exception {
    // Accepts and reads, never answers: a hung server, or a network that dropped it.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor = new Thread(() -> {
        while (!silent.isClosed()) {
          try {
            Socket s = silent.accept();
            synchronized (held) {
              held.add(s);
            }
            drain(s.getInputStream());
          } catch (IOException closed) {
            return;
          }
        }
      }, "silent-server");
      acceptor.setDaemon(true);
      acceptor.start();
      BenchmarkRun run = Benchmark.builder()
          .endpoint(Endpoints.openAiChat("http://127.0.0.1:" + silent.getLocalPort())
              .model("demo").streaming(true).requestTimeout(Duration.ofSeconds(2)))
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(20, 0).seed(3))
          .concurrency(4).requestCount(8)
          .artifactDir(dir)
          .start();
      // Two waves of 2 s timeouts: well inside this bound.
      await().atMost(Duration.ofSeconds(30)).until(() -> run.result().isDone());
      BenchmarkFailedException failed = catchThrowableOfType(BenchmarkFailedException.class,
          run::await);
      assertThat(failed).as("no request succeeded").isNotNull();
      BenchmarkResult r = failed.partialResult().orElseThrow();
      assertThat(r.requestsSent()).isEqualTo(8);
      assertThat(r.requestsFailed()).isEqualTo(8);
      assertThat(r.errors()).extracting(ErrorSummary::type).containsOnly("Timeout");
      assertThat(Files.readAllLines(dir.resolve("profile_export.jsonl"))).hasSize(8);
      synchronized (held) {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  private static BenchmarkResult result(BenchmarkRun run) {
    try {
      return run.await();
    } catch (BenchmarkFailedException e) {
      return e.partialResult().orElseThrow();
    }
  }

  private static void drain(InputStream in) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[4096];
      try {
        while (in.read(buf) >= 0) {
          // keep reading so the client's writes never block
        }
      } catch (IOException closed) {
        // the test ended
      }
    }, "silent-reader");
    t.setDaemon(true);
    t.start();
  }
}
