package io.aiperf.jmh;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.SyntheticDataset;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.engine.internal.dataset.SyntheticDatasetProvider;
import io.aiperf.engine.internal.tokenizer.TiktokenProvider;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-client paths: synthetic prompt generation (exact ISL), and an LLM workload against an
 * in-process fast mock server whose TTFT/ITL percentiles {@link AiperfProfiler} adds to JMH's
 * results ({@code -prof io.aiperf.jmh.AiperfProfiler}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 2, time = 2)
@Fork(1)
@State(Scope.Benchmark)
// JMH calls the @Setup method, which sets its fields, before any benchmark or @TearDown method.
@SuppressWarnings("NullAway.Init")
public class ClientBenchmarks {
  private static final int REQUESTS = 500;
  private MockLlmServer server;
  private Tokenizer tokenizer;
  private SyntheticDataset prompts;
  private long seed;

  /** Starts the mock server (no delays) and loads the tokenizer. */
  @Setup(Level.Trial)
  public void setup() {
    server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
        .fast(true).build());
    tokenizer = new TiktokenProvider().load("o200k_base");
    prompts = Datasets.synthetic().inputTokens(550, 0);
  }

  /** Stops the mock server. */
  @TearDown(Level.Trial)
  public void close() {
    server.close();
  }

  /**
   * Makes 100 prompts of exactly 550 o200k tokens.
   *
   * @return the prompts
   */
  @org.openjdk.jmh.annotations.Benchmark
  @OperationsPerInvocation(100)
  public List<Conversation> syntheticPrompts() {
    return new SyntheticDatasetProvider().load(prompts, tokenizer, seed++, 100);
  }

  /**
   * Runs 500 streaming chat requests at concurrency 16 against the fast mock; the score is
   * requests per second end to end, the client's own overhead included.
   *
   * @return the result, also handed to {@link AiperfProfiler}
   */
  @org.openjdk.jmh.annotations.Benchmark
  @OperationsPerInvocation(REQUESTS)
  public BenchmarkResult llmWorkload() {
    BenchmarkResult r = Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .concurrency(16).requestCount(REQUESTS)
        .dataset(Datasets.synthetic().inputTokens(64, 0).outputTokens(32, 0).seed(1))
        .run();
    AiperfProfiler.record(r);
    return r;
  }
}
