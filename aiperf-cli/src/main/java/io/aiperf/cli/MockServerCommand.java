package io.aiperf.cli;

import io.aiperf.engine.RealtimeIoThreads;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code aiperf mock-server}: runs the OpenAI-compatible mock LLM server until interrupted. */
@Command(name = "mock-server", mixinStandardHelpOptions = true,
    description = "Run a mock LLM server answering every AIPerf endpoint (chat, completions,"
        + " embeddings, rankings, generate, Responses, Messages), streaming where they do.")
final class MockServerCommand implements java.util.concurrent.Callable<Integer> {
  @Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
  CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String host;

  @Option(names = "--port", defaultValue = "8000", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--ttft", defaultValue = "20", description = "Time to first token in ms (default ${DEFAULT-VALUE}).")
  double ttftMs;

  @Option(names = "--itl", defaultValue = "5", description = "Inter-token latency in ms (default ${DEFAULT-VALUE}).")
  double itlMs;

  @Option(names = "--error-rate", defaultValue = "0", description = "Percent of requests answered with HTTP 500 (0-100).")
  double errorRate;

  @Option(names = "--random-seed", defaultValue = "0", description = "Seed for error sampling and output lengths.")
  long seed;

  @Option(names = "--fast", description = "No delays at all: measures the client's ceiling.")
  boolean fast;

  @Option(names = "--stall-every", defaultValue = "0",
      description = "Every Nth request waits --stall-ms longer for its first token (0 = never).")
  int stallEvery;

  @Option(names = "--stall-ms", defaultValue = "0", description = "Length of a stall in ms.")
  double stallMs;

  @Option(names = "--rate-limit-rate", defaultValue = "0",
      description = "Percent of requests answered 429 with Retry-After.")
  double rateLimitRate;

  @Option(names = "--disconnect-rate", defaultValue = "0",
      description = "Percent of requests whose connection is cut halfway through the answer.")
  double disconnectRate;

  @Option(names = "--malformed-rate", defaultValue = "0",
      description = "Percent of requests answered with malformed bytes (broken JSON or garbage SSE).")
  double malformedRate;

  @Option(names = "--slow-drip-rate", defaultValue = "0",
      description = "Percent of answers trickled one byte per --slow-drip-interval-ms (client"
          + " timeouts).")
  double slowDripRate;

  @Option(names = "--slow-drip-interval-ms", defaultValue = "1000",
      description = "Pause between two bytes of a slow-drip answer, ms (default ${DEFAULT-VALUE}).")
  double slowDripIntervalMs;

  @Option(names = "--refuse-rate", defaultValue = "0",
      description = "Percent of connections closed at once, before a byte is read.")
  double refuseRate;

  @Option(names = "--idle-timeout-ms", defaultValue = "0",
      description = "Close keep-alive connections idle this long, ms (0 = never).")
  double idleTimeoutMs;

  @Option(names = "--reasoning-tokens", defaultValue = "0",
      description = "Reasoning tokens before each answer's content (chat, Responses, Messages).")
  int reasoningTokens;

  @Option(names = "--natural-stop", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "max_tokens is a cap with a natural stop before it (64-512 tokens per prompt)"
          + " unless the request sets ignore_eos or min_tokens, as vLLM; --no-natural-stop answers"
          + " exactly max_tokens (default on).")
  boolean naturalStop;

  @Option(names = "--gpus", defaultValue = "1",
      description = "Fake GPUs on the DCGM page /dcgm/metrics (default ${DEFAULT-VALUE}); vLLM's"
          + " metrics are on /metrics.")
  int gpus;

  @Option(names = "--tls",
      description = "Serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN) with a self-signed certificate made"
          + " at start, whose PEM file is printed for --ssl-ca-cert; or with --tls-cert/--tls-key.")
  boolean tls;

  @Option(names = "--tls-cert", description = "PEM certificate chain to serve (with --tls-key).")
  java.nio.file.@org.jspecify.annotations.Nullable Path tlsCert;

  @Option(names = "--tls-key", description = "Unencrypted PKCS#8 PEM private key of --tls-cert.")
  java.nio.file.@org.jspecify.annotations.Nullable Path tlsKey;

  @Option(names = "--write-log", paramLabel = "FILE",
      description = "When the server stops, write each streamed answer's arrival and write times"
          + " (its own clock, ns) to FILE as JSON lines: the server's truth, for checking what a"
          + " client measured (bench/ttft-truth.sh). Holds every answer in memory until then.")
  java.nio.file.@org.jspecify.annotations.Nullable Path writeLog;

  @Option(names = "--no-realtime-io", negatable = false,
      description = "Keep the server's I/O threads ordinary ones; by default they ask Linux for"
          + " real-time priority while mostly idle (allowed for root, CAP_SYS_NICE or ulimit -r),"
          + " so that its stamps and writes are on time on a busy machine.")
  boolean noRealtimeIo;

  @picocli.CommandLine.Mixin
  SaturationFlags saturation = new SaturationFlags();

  @Override
  public Integer call() throws Exception {
    MockServerOptions options;
    try {
      MockServerOptions.Builder b = MockCommandSupport.builder(host, port, ttftMs, itlMs,
          errorRate, seed, fast, stallEvery, stallMs, rateLimitRate, disconnectRate,
          malformedRate, !noRealtimeIo)
          .slowDrip(slowDripRate, MockCommandSupport.millis(slowDripIntervalMs))
          .refuseRate(refuseRate)
          .idleTimeout(MockCommandSupport.millis(idleTimeoutMs))
          .reasoningTokens(reasoningTokens)
          .naturalStop(naturalStop)
          .gpus(gpus);
      saturation.apply(b);
      if (writeLog != null) {
        b.recordWrites(Integer.MAX_VALUE);
      }
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together; got only "
            + (tlsCert != null ? "--tls-cert" : "--tls-key"));
      }
      if (tlsCert != null && tlsKey != null) {
        b.tls(true).tlsCertificate(tlsCert, tlsKey);
      } else if (tls) {
        b.tls(true);
      }
      options = b.build();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("Error: " + e.getMessage());
      return AiperfCommand.EXIT_USAGE;
    }
    MockLlmServer server = MockLlmServer.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    java.nio.file.Path log = writeLog;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      if (log != null) {
        MockWriteLogFile.write(server.sentStreams(), log, spec.commandLine().getErr());
      }
      stopped.countDown();
    }, "aiperf-mock-shutdown"));
    spec.commandLine().getOut().println("Mock LLM server listening on " + server.baseUrl()
        + (fast ? " (fast: no delays)" : " (ttft " + ttftMs + " ms, itl " + itlMs + " ms)")
        + options.saturation().map(m -> "; saturating: " + m).orElse("")
        + server.certificatePem().map(pem -> "; its certificate (for --ssl-ca-cert): " + pem)
            .orElse("")
        + "; Ctrl-C stops it.");
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }

  /** Builds mock options from CLI values; shared with {@code profile --url mock}. */
  static final class MockCommandSupport {
    private MockCommandSupport() {}

    static MockServerOptions.Builder builder(String host, int port, double ttftMs, double itlMs,
        double errorRate, long seed, boolean fast, int stallEvery, double stallMs,
        double rateLimitRate, double disconnectRate, double malformedRate, boolean realtimeIo) {
      return MockServerOptions.builder()
          // The server's stamps are the truth a client is checked against: not late by the
          // scheduler either (they give real time up while busy, as the client's do).
          .ioThreadFactory(realtimeIo ? RealtimeIoThreads.serverFactory("mock-llm-io") : null)
          .faults(rateLimitRate, disconnectRate, malformedRate)
          .stall(stallEvery, Duration.ofNanos(Math.round(stallMs * 1e6)))
          .host(host)
          .port(port)
          .ttft(Duration.ofNanos(Math.round(ttftMs * 1e6)))
          .itl(Duration.ofNanos(Math.round(itlMs * 1e6)))
          .errorRate(errorRate)
          .seed(seed)
          .fast(fast);
    }

    /** Milliseconds (fractions allowed) as a Duration; NaN and negatives become invalid ones. */
    static Duration millis(double ms) {
      if (!Double.isFinite(ms) || ms < 0) {
        throw new IllegalArgumentException("a mock duration was '" + ms
            + "' ms but it must be a number >= 0");
      }
      return Duration.ofNanos(Math.round(ms * 1e6));
    }
  }
}
