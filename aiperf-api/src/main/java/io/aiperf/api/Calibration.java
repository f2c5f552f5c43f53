package io.aiperf.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The client's own ceiling on this machine, measured against a server that answers at once
 * (usually the mock in its fast mode, in process; see {@link Benchmark#calibrate(String,
 * java.time.Duration)}): above these numbers a run measures aiperf, not the server. The server
 * shares the machine's CPUs with the client, so they are a lower bound for the client alone.
 *
 * @param maxRequestsPerSecond non-streaming requests completed per second at concurrency
 *     {@code concurrency}
 * @param maxChunksPerSecond streamed chunks (SSE events) parsed per second
 * @param pacedRate the constant request rate at which the pacer was timed
 * @param pacerLatenessP50Ms how late requests went out at that rate, median, in ms
 * @param pacerLatenessP99Ms how late requests went out at that rate, p99, in ms
 * @param concurrency the concurrency of the throughput steps
 * @param cores the processors the JVM saw
 * @param stepDuration how long each step ran
 * @since 0.1.0
 */
public record Calibration(double maxRequestsPerSecond, double maxChunksPerSecond,
    double pacedRate, double pacerLatenessP50Ms, double pacerLatenessP99Ms, int concurrency,
    int cores, Duration stepDuration) {

  /**
   * Checks the duration.
   *
   * @param maxRequestsPerSecond non-streaming requests completed per second at concurrency
   *     {@code concurrency}
   * @param maxChunksPerSecond streamed chunks (SSE events) parsed per second
   * @param pacedRate the constant request rate at which the pacer was timed
   * @param pacerLatenessP50Ms how late requests went out at that rate, median, in ms
   * @param pacerLatenessP99Ms how late requests went out at that rate, p99, in ms
   * @param concurrency the concurrency of the throughput steps
   * @param cores the processors the JVM saw
   * @param stepDuration how long each step ran
   */
  public Calibration {
    Objects.requireNonNull(stepDuration, "stepDuration");
  }

  /**
   * Describes the ceiling in a few lines, for a console.
   *
   * @return the description
   */
  public String describe() {
    return String.format(Locale.ROOT, "aiperf client ceiling on this machine (%d cores, %s s per"
        + " step, in-process mock answering at once):%n"
        + "  max requests/s (non-streaming, concurrency %d): %,.0f%n"
        + "  max chunks/s (streaming):                        %,.0f%n"
        + "  pacer lateness at %,.0f requests/s:               p50 %.3f ms, p99 %.3f ms%n"
        + "Runs near these numbers measure the client; stay below about 70 %% of them.",
        cores, stepDuration.toMillis() / 1000.0, concurrency, maxRequestsPerSecond,
        maxChunksPerSecond, pacedRate, pacerLatenessP50Ms, pacerLatenessP99Ms);
  }
}
