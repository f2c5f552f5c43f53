package io.aiperf.api.spi;

import org.jspecify.annotations.Nullable;

/**
 * One successful request as record metrics see it. Times are {@link System#nanoTime()} values taken
 * at the socket.
 *
 * @since 0.1.0
 */
public interface RequestView {
  /**
   * Returns whether the response was streamed.
   *
   * @return true for server-sent events
   */
  boolean streaming();

  /**
   * Returns when the request bytes started being written.
   *
   * @return nanoseconds
   */
  long startNanos();

  /**
   * Returns when the request was meant to be sent: the schedule's time in open-loop (request rate)
   * runs, the issue time otherwise. Latencies measured from here include the client's own delays,
   * which is how coordinated omission is corrected.
   *
   * @return nanoseconds
   */
  long intendedStartNanos();

  /**
   * Returns when the timing manager issued the request (after waiting for a concurrency slot).
   *
   * @return nanoseconds
   */
  long issuedNanos();

  /**
   * Returns the time spent getting a connection before the request was written: 0 for an idle
   * pooled one, else waiting for a free one plus TCP connect and TLS handshake. It is not part of
   * the request's latency, so it is reported on its own.
   *
   * @return nanoseconds
   */
  default long connectionWaitNanos() {
    return 0;
  }

  /**
   * Returns the output length the request asked for.
   *
   * @return tokens, 0 when no limit was sent
   */
  default int requestedOutputTokens() {
    return 0;
  }

  /**
   * Returns how many images the request sent (AIPerf's {@code num_images}).
   *
   * @return images, 0 for none
   * @since 0.1.0
   */
  default int inputImages() {
    return 0;
  }

  /**
   * Returns how many seconds of audio the request sent (AIPerf's {@code audio_duration}), read
   * from WAV clips' headers.
   *
   * @return seconds, 0 for none or unknown
   * @since 0.1.0
   */
  default double inputAudioSeconds() {
    return 0;
  }

  /**
   * Returns the server's reported usage (the last value of each field seen in the response).
   *
   * @return the usage, or {@code null} when the server reported none
   */
  default @Nullable Usage usage() {
    return null;
  }

  /**
   * Returns the request's HTTP timings.
   *
   * @return the timings, or {@code null} when the transport reports none
   */
  default TransportProvider.@Nullable HttpTrace httpTrace() {
    return null;
  }

  /**
   * Returns how many responses carried generated text.
   *
   * @return the count, at least 1 for a valid record
   */
  int contentResponseCount();

  /**
   * Returns when the i-th response that carried generated text arrived.
   *
   * @param i index, from 0
   * @return nanoseconds
   */
  long contentResponseNanos(int i);

  /**
   * Returns when the first response carrying output (not reasoning) text arrived.
   *
   * @return nanoseconds, or -1 when there was none
   */
  long firstOutputNanos();

  /**
   * Returns the prompt tokens.
   *
   * @return tokens
   */
  int inputTokens();

  /**
   * Returns the output tokens, reasoning excluded.
   *
   * @return tokens
   */
  int outputTokens();

  /**
   * Returns the reasoning tokens.
   *
   * @return tokens
   */
  int reasoningTokens();
}
