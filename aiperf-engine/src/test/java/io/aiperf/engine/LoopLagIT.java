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
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A run at a trivial load on a quiet machine ends without the "near its ceiling" warning (it used
 * to at 30 requests/s: the probe read its own timer granularity and the start-up). When the
 * machine itself is busy, no run can be called quiet and the test is skipped; the probe's and the
 * warning's reaction to a really late loop is tested in LoopLagProbeTest and WarningsTest.
 *
 * <p>Runs in its own failsafe execution without the paranoid leak detection of the other tests:
 * that records a stack trace on every buffer touch, on the event loop, and its cost is not the
 * client's.
 */
final class LoopLagIT {
  @Test
  @Disabled("Issue #18, unmet: in a fresh JVM on a quiet 2-core CI machine the I/O thread ran"
      + " hand-offs 2.06 ms late at p99 at 30 requests/s, so the warning fired. A JIT log showed"
      + " the per-read path compiled by C2 during the run, the compiler using most of a core"
      + " throughout; the warm-ups now compile it before (p99 0.3-0.9 ms in 6 quiet runs here),"
      + " but one run in five under other load still read 2.67 ms while a plain thread woke on"
      + " time. Run it by hand to check a fix.")
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
            .concurrency(8).requestCount(160).run();
      } finally {
        running.set(false);
        control.join();
      }
      Assumptions.assumeTrue(machine.getValueAtPercentile(99) < 1_000_000
          && machine.getMaxValue() < 20_000_000,
          "the machine was busy: a plain thread woke " + machine.getValueAtPercentile(99) / 1000
              + " µs late at p99 (max " + machine.getMaxValue() / 1000 + " µs)");
      assertThat(r.requestsCompleted()).isEqualTo(160);
      assertThat(r.warnings()).noneMatch(w -> w.contains("near its ceiling"));
    }
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
