package io.aiperf.examples;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.Metrics;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shortest useful benchmark: start the embedded mock LLM server on a free loopback port, run 200
 * streaming chat requests at concurrency 16, print AIPerf's table and read TTFT p99 from the result.
 *
 * <p>Against a real server, drop the mock and pass its URL to {@link #run(String)}.
 */
public final class Quickstart {
  private static final Logger log = LoggerFactory.getLogger(Quickstart.class);

  private Quickstart() {}

  /**
   * Benchmarks one server.
   *
   * @param url the server's base URL, e.g. {@code http://127.0.0.1:8000}
   * @return the result
   */
  public static BenchmarkResult run(String url) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(url).model("demo").streaming(true))
        .concurrency(16)
        .requestCount(200)
        .dataset(Datasets.synthetic().inputTokens(256, 0).outputTokens(64, 0).seed(42))
        .exporters("console") // AIPerf's table on standard output
        .run();
  }

  /**
   * Runs the quickstart against the embedded mock server.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    MockServerOptions options = MockServerOptions.builder().port(0)
        .ttft(Duration.ofMillis(20)).itl(Duration.ofMillis(5)).build();
    try (MockLlmServer server = MockLlmServer.start(options)) {
      BenchmarkResult result = run(server.baseUrl());
      log.info("TTFT p99 = {} ms over {} requests",
          result.metric(Metrics.TIME_TO_FIRST_TOKEN).p99(), result.requestsCompleted());
    }
  }
}
