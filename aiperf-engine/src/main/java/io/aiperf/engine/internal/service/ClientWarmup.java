package io.aiperf.engine.internal.service;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.BenchmarkRun;
import io.aiperf.api.Datasets;
import io.aiperf.api.EndpointConfig;
import io.aiperf.engine.internal.NanoClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the client's own hot path before the first real run of this JVM starts its clock, so its
 * first requests are timed by compiled code: a short run of the same endpoint format (streamed or
 * not) against an in-process server that answers at once with canned bytes. Every step a real
 * request takes runs: bus, timing manager, worker, transport, SSE framing, response parsing,
 * tokenizer, record processing and aggregation. It runs while the real run prepares its dataset.
 *
 * <p>Measured against the mock in another JVM (TTFT 20 ms, concurrency 32, load average ~5 from
 * other work): cold, the first 32 requests waited 100-140 ms for their connections and read TTFT
 * 41 ms at p50, 166 ms at max; warmed, connections took under 1 ms and TTFT 28 ms at p50, 36 ms
 * at max.
 *
 * <p>Once per JVM (compiled code stays), never against the user's server, never failing the run:
 * a warm-up that cannot run is skipped. {@value #PROPERTY}{@code =false} turns it off.
 */
final class ClientWarmup {
  /** System property that turns the warm-up off when {@code false}. */
  static final String PROPERTY = "aiperf.warmup";
  private static final Logger log = LoggerFactory.getLogger(ClientWarmup.class);
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  /** Enough for the compilers to take the per-request and per-chunk code (C1 at 200 calls). */
  static final int REQUESTS = 200;
  private static final int TOKENS = 32;
  private static final int WARMUP_CONCURRENCY = 16;
  /** A warm-up takes a second or two; one that takes longer is abandoned, not waited for. */
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile @Nullable BenchmarkRun run;

  private ClientWarmup() {}

  /**
   * Starts warming the client up for a run of this configuration, the first time only.
   *
   * @param config the run about to start
   * @param clock the clock, for the time it took
   * @return the warm-up, done at once when there is none to run
   */
  static ClientWarmup startFor(BenchmarkConfig config, NanoClock clock) {
    ClientWarmup warmup = new ClientWarmup();
    String type = config.endpoint().type();
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
        || !(type.equals("chat") || type.equals("completions"))
        || !STARTED.compareAndSet(false, true)) {
      // Canned bytes exist for the OpenAI formats; the others start cold, as before.
      warmup.done.complete(null);
      return warmup;
    }
    Thread t = new Thread(() -> {
      try {
        warmup.run(config, clock);
      } finally {
        warmup.done.complete(null);
      }
    }, "aiperf-warmup");
    t.setDaemon(true);
    t.start();
    return warmup;
  }

  /** Waits until the warm-up is over; it never takes longer than its own limit. */
  void await() throws InterruptedException {
    try {
      done.get(LIMIT.toNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      cancel();
    }
  }

  /** Stops a warm-up still running: the real run ended first. */
  void cancel() {
    BenchmarkRun r = run;
    if (r != null && !done.isDone()) {
      r.cancelNow();
    }
  }

  private void run(BenchmarkConfig config, NanoClock clock) {
    long start = clock.nanoTime();
    try (CannedServer server = server()) {
      BenchmarkRun r = SystemController.startWarmup(warmupConfig(config, server.url()));
      run = r;
      BenchmarkResult result;
      try {
        result = r.result().get(LIMIT.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        r.cancelNow();
        log.info("Client warm-up stopped after {} s", LIMIT.toSeconds());
        return;
      } catch (ExecutionException e) {
        log.info("Client warm-up skipped: {}", String.valueOf(e.getCause()));
        return;
      }
      log.info("Client warmed up in {} ms: {} requests ({} failed) against an in-process"
          + " server", (clock.nanoTime() - start) / 1_000_000, result.requestsSent(),
          result.requestsFailed());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.info("Client warm-up skipped: {}", e.toString());
    }
  }

  /** The warm-up run: the user's endpoint format and settings, at the canned server's URL. */
  static BenchmarkConfig warmupConfig(BenchmarkConfig config, String url) {
    EndpointConfig endpoint = config.endpoint().urls(List.of(url))
        .requestTimeout(Duration.ofSeconds(10));
    return Benchmark.builder()
        .endpoint(endpoint)
        .dataset(Datasets.synthetic().tokenizer(EngineSupport.tokenizerName(config))
            .inputTokens(64, 0).outputTokens(TOKENS, 0).entries(50).seed(1))
        // Not the user's concurrency: the canned answers take a few ms each (their events are
        // spaced), and one connection at a time would make a rate run's warm-up take seconds.
        .concurrency(WARMUP_CONCURRENCY)
        .requestCount(REQUESTS)
        .workers(1)
        .recordProcessors(1)
        .messageBus("inmemory")
        .startupTimeout(config.startupTimeout())
        .build();
  }

  /** Starts the canned server a warm-up runs against. */
  static CannedServer server() throws InterruptedException {
    return CannedServer.start(TOKENS);
  }
}
