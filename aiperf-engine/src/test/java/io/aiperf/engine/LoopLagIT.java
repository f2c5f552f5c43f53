package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A run at a trivial load ends without the "near its ceiling" warning (it used to at 30
 * requests/s: the probe read its own timer granularity, the start-up, and then the scheduler's
 * delays on two busy cores). With real-time I/O threads it must hold even while ordinary threads
 * wake late; where that priority is not permitted and the machine itself is busy, no run can be
 * called quiet and the test is skipped. The probe's and the warning's reaction to a really late
 * loop is tested in LoopLagProbeTest and WarningsTest.
 *
 * <p>Runs in its own failsafe execution without the paranoid leak detection of the other tests:
 * that records a stack trace on every buffer touch, on the event loop, and its cost is not the
 * client's.
 */
final class LoopLagIT {
  @Test
  void aTrivialLoad_onAQuietMachine_endsWithoutALoopLagWarning() throws Exception {
    assertThat(ResourceLeakDetector.getLevel())
        .as("the client measured as shipped, not with every buffer traced")
        .isIn(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.Level.SIMPLE);
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(10)).itl(Duration.ofMillis(5)).build())) {
      // What this machine does to any thread handed work while the run goes on.
      Histogram machine = new Histogram(3_600_000_000_000L, 2);
      AtomicBoolean running = new AtomicBoolean(true);
      Thread control = new Thread(() -> measure(machine, running), "machine-lag-control");
      control.start();
      BenchmarkResult r;
      try {
        r = Benchmark.builder()
            .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
            .dataset(Datasets.synthetic().inputTokens(32, 0).outputTokens(50, 0).seed(3))
            .concurrency(8).requestCount(160).realtimeIo(true).run();
      } finally {
        running.set(false);
        control.join();
      }
      String plainThread = "a plain thread woke " + machine.getValueAtPercentile(99) / 1000
          + " µs late at p99 (max " + machine.getMaxValue() / 1000 + " µs)";
      // Real-time I/O threads read on time while ordinary threads wait for a CPU; without
      // that priority the client's loops are only as punctual as the machine lets them be.
      Assumptions.assumeTrue(realtimePermitted() || machine.getValueAtPercentile(99) < 1_000_000
          && machine.getMaxValue() < 20_000_000,
          "no real-time priority here and the machine was busy: " + plainThread);
      assertThat(r.requestsCompleted()).isEqualTo(160);
      assertThat(r.warnings()).as("while " + plainThread)
          .noneMatch(w -> w.contains("near its ceiling"));
    }
  }

  /** Asked of a thread of its own, which ends at once whatever the answer. */
  private static boolean realtimePermitted() throws InterruptedException {
    java.util.concurrent.atomic.AtomicBoolean granted =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread probe = new Thread(() -> granted.set(
        io.aiperf.engine.internal.timing.RealtimePriority.raiseCurrentThread().granted()),
        "rt-permission-probe");
    probe.start();
    probe.join(30_000);
    return granted.get();
  }

  private static void measure(Histogram lag, AtomicBoolean running) {
    ExecutorService handedTo = Executors.newSingleThreadExecutor();
    try {
      while (running.get()) {
        long handed = System.nanoTime();
        handedTo.submit(() -> lag.recordValue(System.nanoTime() - handed)).get();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      handedTo.shutdownNow();
    }
  }
}
