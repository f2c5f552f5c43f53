package io.aiperf.cli;

import io.aiperf.mock.MockLlmServer;
import picocli.CommandLine.Option;

/** aiperf-java's embedded mock LLM server, started by {@code --url mock}. */
final class MockOptions {
  @Option(names = "--mock-ttft", defaultValue = "20",
      description = "With --url mock: time to first token in ms (default ${DEFAULT-VALUE}).")
  double mockTtftMs;

  @Option(names = "--mock-itl", defaultValue = "5",
      description = "With --url mock: inter-token latency in ms (default ${DEFAULT-VALUE}).")
  double mockItlMs;

  @Option(names = "--mock-error-rate", defaultValue = "0",
      description = "With --url mock: percent of requests that get HTTP 500.")
  double mockErrorRate;

  @Option(names = "--mock-fast", description = "With --url mock: no delays (client ceiling).")
  boolean mockFast;

  @Option(names = "--mock-stall-every", defaultValue = "0",
      description = "With --url mock: every Nth request stalls --mock-stall-ms before its first token.")
  int mockStallEvery;

  @Option(names = "--mock-stall-ms", defaultValue = "0",
      description = "With --url mock: length of a stall in ms.")
  double mockStallMs;

  @Option(names = "--mock-slow-drip-rate", defaultValue = "0",
      description = "With --url mock: percent of answers trickled one byte per"
          + " --mock-slow-drip-interval-ms.")
  double mockSlowDripRate;

  @Option(names = "--mock-slow-drip-interval-ms", defaultValue = "1000",
      description = "With --url mock: pause between two slow-drip bytes, ms (default"
          + " ${DEFAULT-VALUE}).")
  double mockSlowDripIntervalMs;

  @Option(names = "--mock-refuse-rate", defaultValue = "0",
      description = "With --url mock: percent of connections closed before a byte is read.")
  double mockRefuseRate;

  @Option(names = "--mock-idle-timeout-ms", defaultValue = "0",
      description = "With --url mock: close keep-alive connections idle this long, ms (0 = never).")
  double mockIdleTimeoutMs;

  @Option(names = "--mock-gpus", defaultValue = "1",
      description = "With --url mock: fake GPUs on its DCGM page (default ${DEFAULT-VALUE}).")
  int mockGpus;

  @Option(names = "--mock-reasoning-tokens", defaultValue = "0",
      description = "With --url mock: reasoning tokens before each answer's content.")
  int mockReasoningTokens;

  @Option(names = "--mock-natural-stop", negatable = true, defaultValue = "true",
      fallbackValue = "true",
      description = "With --url mock: max_tokens is a cap and answers stop on their own before it"
          + " (64-512 tokens per prompt), as vLLM's do, unless the request sets ignore_eos or"
          + " min_tokens (--extra-inputs ignore_eos:true); --no-mock-natural-stop answers exactly"
          + " max_tokens (default on).")
  boolean mockNaturalStop;

  @Option(names = "--mock-slots", defaultValue = "0",
      description = "With --url mock: decode slots; at most this many requests generate at once,"
          + " the rest queue (0 = off).")
  int mockSlots;

  @Option(names = "--mock-prefill-per-token-ms", defaultValue = "0",
      description = "With --mock-slots: prefill time per prompt token, ms, added to --mock-ttft.")
  double mockPrefillPerTokenMs;

  @Option(names = "--mock-itl-per-request-ms", defaultValue = "0",
      description = "With --mock-slots: what each other running request adds to --mock-itl, ms.")
  double mockItlPerRequestMs;

  /**
   * Starts the mock server on a free loopback port.
   *
   * @param realtimeIo whether its I/O threads ask for real-time priority, as the client's do
   * @throws IllegalArgumentException for a setting the server rejects
   */
  MockLlmServer start(boolean realtimeIo) {
    return MockLlmServer.start(SaturationFlags.apply(MockServerCommand.MockCommandSupport.builder("127.0.0.1", 0,
        mockTtftMs, mockItlMs, mockErrorRate, 0, mockFast, mockStallEvery, mockStallMs, 0, 0, 0,
        realtimeIo)
        .slowDrip(mockSlowDripRate,
            MockServerCommand.MockCommandSupport.millis(mockSlowDripIntervalMs))
        .refuseRate(mockRefuseRate)
        .idleTimeout(MockServerCommand.MockCommandSupport.millis(mockIdleTimeoutMs))
        .reasoningTokens(mockReasoningTokens)
        .naturalStop(mockNaturalStop)
        .gpus(mockGpus), mockSlots, mockPrefillPerTokenMs, mockItlPerRequestMs)
        .build());
  }
}
