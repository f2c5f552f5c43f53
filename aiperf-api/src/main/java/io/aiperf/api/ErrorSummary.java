package io.aiperf.api;

import java.util.Objects;

/**
 * How many requests failed with one kind of error, as in AIPerf's {@code error_summary}.
 *
 * @param code the HTTP status, or a client code (e.g. 499 for cancelled); 0 when none applies
 * @param type the error type, e.g. {@code HTTPError}, {@code ConnectionError}, {@code Timeout}
 * @param message the error message (bodies truncated, secrets redacted)
 * @param count how many requests failed this way
 * @since 0.1.0
 */
public record ErrorSummary(int code, String type, String message, long count) {
  /**
   * Validates the fields.
   *
   * @param code the HTTP status, or a client code (e.g. 499 for cancelled); 0 when none applies
   * @param type the error type, e.g. {@code HTTPError}, {@code ConnectionError}, {@code Timeout}
   * @param message the error message (bodies truncated, secrets redacted)
   * @param count how many requests failed this way
   */
  public ErrorSummary {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(message, "message");
  }
}
