package io.aiperf.api;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a benchmark could not complete, for example because the server was unreachable. It
 * carries whatever was measured before the failure, so nothing already measured is lost.
 *
 * @since 0.1.0
 */
public final class BenchmarkFailedException extends AiperfException {
  private static final long serialVersionUID = 1L;
  private final transient @Nullable BenchmarkResult partialResult;

  /**
   * Creates the exception.
   *
   * @param message why the run failed
   * @param partialResult the results measured before the failure, or {@code null} if none
   * @param cause the underlying cause, or {@code null}
   */
  public BenchmarkFailedException(String message, @Nullable BenchmarkResult partialResult,
      @Nullable Throwable cause) {
    super(message, cause);
    this.partialResult = partialResult;
  }

  /**
   * Returns what was measured before the failure.
   *
   * @return the partial result, if any request completed or failed before the run stopped
   */
  public Optional<BenchmarkResult> partialResult() {
    return Optional.ofNullable(partialResult);
  }
}
