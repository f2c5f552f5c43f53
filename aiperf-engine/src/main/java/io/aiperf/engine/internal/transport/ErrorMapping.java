package io.aiperf.engine.internal.transport;

import java.net.ConnectException;
import java.util.Locale;

/**
 * The error types and messages the transports report: one wording for HTTP/1.1 and h2c, so a
 * result reads the same whichever protocol carried the request.
 */
final class ErrorMapping {
  static final String CONNECTION_ERROR = "ConnectionError";
  static final String CONNECTION_CLOSED = "ConnectionClosed";
  static final String TLS_ERROR = "TLSError";
  static final String TIMEOUT = "Timeout";
  static final String CANCELLED = "RequestCancellationError";
  static final String PARSE_ERROR = "ResponseParseError";

  static final String CLOSED_BEFORE_COMPLETE =
      "The server closed the connection before the response was complete";

  private ErrorMapping() {}

  /** Both kinds of lost connection: what a retry on a new connection may recover from. */
  static boolean connectionLost(String type) {
    return type.equals(CONNECTION_ERROR) || type.equals(CONNECTION_CLOSED);
  }

  static String connectFailure(Throwable cause, String host, int port) {
    String what = cause instanceof ConnectException ? "Cannot connect" : "Connection failed";
    return what + " to " + host + ":" + port + ": " + describe(cause) + advice(cause);
  }

  /**
   * The type of a failed TLS handshake: a server that closed the connection in the middle is a
   * connection error, as it would be without TLS; anything else (certificate, protocol) is TLS's.
   */
  static String tlsFailureType(Throwable cause) {
    return cause instanceof java.nio.channels.ClosedChannelException ? CONNECTION_ERROR
        : TLS_ERROR;
  }

  static String tlsFailure(Throwable cause, String host, int port) {
    return cause instanceof java.nio.channels.ClosedChannelException
        ? "The server at " + host + ":" + port + " closed the connection during the TLS handshake"
        : "TLS handshake with " + host + ":" + port + " failed: " + describe(cause);
  }

  static String writeFailed(Throwable cause) {
    return "Writing the request failed: " + describe(cause);
  }

  static String timedOut(long timeoutNanos) {
    return String.format(Locale.ROOT,
        "No complete response within the request timeout of %.3f s", timeoutNanos / 1e9);
  }

  static String cancelledAfterSend(long cancelAfterNanos) {
    return String.format(Locale.ROOT,
        "Cancelled by aiperf %.3f s after the request was sent (request cancellation rate)",
        cancelAfterNanos / 1e9);
  }

  /** What to do about the failures that are limits of the client machine, not of the server. */
  static String advice(Throwable cause) {
    String m = describe(cause).toLowerCase(Locale.ROOT);
    if (m.contains("cannot assign requested address")) {
      return ". The client ran out of ephemeral ports towards this server: spread connections"
          + " over several local addresses (sourceAddresses / --source-address), widen"
          + " net.ipv4.ip_local_port_range, or lower the concurrency";
    }
    if (m.contains("too many open files")) {
      return ". The client hit its open-file limit (each connection is a file descriptor):"
          + " raise it with 'ulimit -n 65536' (the hard limit too: /etc/security/limits.conf,"
          + " LimitNOFILE= for systemd, --ulimit nofile=65536:65536 for docker) or lower the"
          + " concurrency";
    }
    return "";
  }

  static String describe(Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
