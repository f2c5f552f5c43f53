package io.aiperf.api;

import org.jspecify.annotations.Nullable;

/**
 * Root of the unchecked exceptions that aiperf-java throws on purpose.
 *
 * @since 0.1.0
 */
public class AiperfException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that names the input or step that failed.
   *
   * @param message what went wrong and, where possible, what would be valid
   */
  public AiperfException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message what went wrong
   * @param cause the underlying cause, or {@code null} if unknown
   */
  public AiperfException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
