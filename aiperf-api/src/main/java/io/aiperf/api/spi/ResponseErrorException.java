package io.aiperf.api.spi;

/**
 * Thrown by {@link EndpointProvider.Endpoint#parse} when a response is the server reporting an error
 * (e.g. {@code {"error": {...}}}), as opposed to bytes that are merely not a response of the format.
 * Inside a stream, an unparseable event is skipped, as AIPerf does; a reported error fails the
 * request.
 *
 * @since 0.1.0
 */
public final class ResponseErrorException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  /** @serial the error type the server gave, or a generic one */
  private final String type;

  /**
   * Creates the exception.
   *
   * @param type the error type the server gave, or a generic one
   * @param message the server's message
   */
  public ResponseErrorException(String type, String message) {
    super(message);
    this.type = type;
  }

  /**
   * Returns the error type.
   *
   * @return e.g. {@code invalid_request_error}
   */
  public String type() {
    return type;
  }
}
