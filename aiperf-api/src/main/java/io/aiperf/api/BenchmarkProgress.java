package io.aiperf.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of a running benchmark, sent about once a second to {@link BenchmarkListener}.
 *
 * <p>The in-flight figures come from the workers' own view of their requests, at most about a
 * second old. "Received nothing" counts from the moment a request was handed to its worker (so
 * waiting for a connection counts) or from the last bytes of its response, whichever is later.
 *
 * @param completed requests of the profiling phase that ended (successfully or not) so far
 * @param errors requests of the profiling phase that ended with an error so far
 * @param total requests the run will send, or -1 when unknown
 * @param inFlight requests sent and not yet ended, warmup included
 * @param silent requests in flight that have received nothing for at least
 *     {@link BenchmarkConfig#silenceWarning()}; 0 when that warning is off
 * @param longestSilence the longest time any request in flight has received nothing
 * @param oldestInFlight how long ago the oldest request in flight was sent
 * @param sinceLastEnd how long ago the last request ended (since the profiling phase started,
 *     when none has ended yet)
 * @since 0.1.0
 */
public record BenchmarkProgress(long completed, long errors, long total, int inFlight,
    int silent, Duration longestSilence, Duration oldestInFlight, Duration sinceLastEnd) {
  /**
   * Checks that the durations are present.
   *
   * @param completed requests of the profiling phase that ended (successfully or not) so far
   * @param errors requests of the profiling phase that ended with an error so far
   * @param total requests the run will send, or -1 when unknown
   * @param inFlight requests sent and not yet ended, warmup included
   * @param silent requests in flight that have received nothing for at least
   *     {@link BenchmarkConfig#silenceWarning()}; 0 when that warning is off
   * @param longestSilence the longest time any request in flight has received nothing
   * @param oldestInFlight how long ago the oldest request in flight was sent
   * @param sinceLastEnd how long ago the last request ended (since the profiling phase started,
   *     when none has ended yet)
   */
  public BenchmarkProgress {
    Objects.requireNonNull(longestSilence, "longestSilence");
    Objects.requireNonNull(oldestInFlight, "oldestInFlight");
    Objects.requireNonNull(sinceLastEnd, "sinceLastEnd");
  }
}
