package io.aiperf.examples;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.jmh.AiperfProfiler;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An aiperf workload inside JMH: each operation is a small benchmark run, and
 * {@link AiperfProfiler} ({@code -prof io.aiperf.jmh.AiperfProfiler}) puts its TTFT, ITL and
 * latency percentiles beside JMH's score. Replace the mock with your server's URL.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
// JMH calls the @Setup method, which sets its fields, before any benchmark or @TearDown method.
@SuppressWarnings("NullAway.Init")
public class JmhWorkloadExample {
  private MockLlmServer server;

  /** Starts a mock server with realistic delays. */
  @Setup(Level.Trial)
  public void start() {
    server = MockLlmServer.start(MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(10)).itl(Duration.ofMillis(2)).build());
  }

  /** Stops it. */
  @TearDown(Level.Trial)
  public void stop() {
    server.close();
  }

  /**
   * Runs 32 streaming chat requests at concurrency 8.
   *
   * @return the result, handed to the profiler
   */
  @org.openjdk.jmh.annotations.Benchmark
  public BenchmarkResult chatWorkload() {
    BenchmarkResult r = Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .concurrency(8).requestCount(32)
        .dataset(Datasets.synthetic().inputTokens(64, 0).outputTokens(16, 0).seed(1))
        .run();
    AiperfProfiler.record(r);
    return r;
  }
}
