package com.example.consumer;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.Metrics;

/**
 * A user's application: it benchmarks a server with aiperf-engine and knows nothing but the
 * public API. Compiled against the compile class path aiperf-engine gives a user, nothing more.
 */
public final class ConsumerApp {
  /** Requests one benchmark sends. */
  public static final int REQUESTS = 40;

  private ConsumerApp() {}

  /**
   * Benchmarks one OpenAI-compatible server with streaming chat requests.
   *
   * @param url the server's base URL
   * @return the result
   */
  public static BenchmarkResult benchmark(String url) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(url).model("consumer").streaming(true))
        .concurrency(4)
        .requestCount(REQUESTS)
        .dataset(Datasets.synthetic().inputTokens(64, 0).outputTokens(16, 0).seed(7))
        .run();
  }

  /**
   * Benchmarks the server at the given URL and prints what it measured; exits 1 when a request
   * failed.
   *
   * @param args the server's base URL
   */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: ConsumerApp <server base URL>");
      System.exit(2);
    }
    BenchmarkResult r = benchmark(args[0]);
    System.out.println("completed=" + r.requestsCompleted() + " failed=" + r.requestsFailed()
        + " ttft_p99_ms=" + r.metric(Metrics.TIME_TO_FIRST_TOKEN).p99());
    System.exit(r.requestsCompleted() == REQUESTS ? 0 : 1);
  }
}
